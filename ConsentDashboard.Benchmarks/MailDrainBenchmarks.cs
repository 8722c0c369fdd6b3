using BenchmarkDotNet.Attributes;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Mail;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Benchmarks;

/// <summary>
/// How fast the delivery worker empties the outbox into a real SMTP server on loopback: 1,000 queued request notices per
/// run, sent over one reused connection per batch and each marked sent in the database. Goal: at least 200 messages/s.
/// The server is the tests' own (<c>TestSmtpServer</c>), which parses and keeps every message it accepts.
/// </summary>
public class MailDrainBenchmarks
{
    private const int Messages = 1000;

    private TestSmtpServer _smtp = null!;
    private string _folder = "";
    private ServiceProvider _services = null!;
    private MailDelivery _delivery = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _smtp = TestSmtpServer.Start();
        _folder = Directory.CreateTempSubdirectory("consentdashboard-mail-bench-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConsentDashboard:DataFolder"] = _folder,
            ["ConsentDashboard:Smtp:Host"] = "127.0.0.1",
            ["ConsentDashboard:Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ConsentDashboard:Smtp:Security"] = "None",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IWebHostEnvironment>(new ConsentDashboard.Tests.Support.FixedEnvironment(_folder));
        services.AddConsentDashboard(configuration);
        _services = services.BuildServiceProvider();
        await _services.MigrateAndEnsureRolesAsync();
        _delivery = _services.GetRequiredService<MailDelivery>();
    }

    [IterationSetup]
    public void Queue()
    {
        using var db = _services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContext();
        db.OutboxMessages.Where(m => m.SentAt != null).ExecuteDelete();
        var outbox = _services.GetRequiredService<MailOutbox>();
        var templates = _services.GetRequiredService<MailTemplates>();
        for (var i = 0; i < Messages; i++)
        {
            outbox.Queue(db, $"resident{i}@residents.example", "request-notice", templates.RequestNotice(
                $"Resident {i}", "Larkspur Bay Police Department", ConsentDashboard.Data.IncidentType.Burglary, "Saturday 28 November 2026", "7 Dec 2026, 16:00 UTC+1",
                $"https://consent.example.org/inbox/{Guid.NewGuid()}"));
        }

        db.SaveChanges();
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "drain the outbox into SMTP (per message)")]
    public async Task DrainAsync()
    {
        var sent = 0;
        while (sent < Messages)
        {
            sent += await _delivery.DeliverDueAsync();
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _smtp.DisposeAsync();
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
