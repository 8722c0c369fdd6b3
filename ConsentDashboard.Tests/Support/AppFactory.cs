using ConsentDashboard.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConsentDashboard.Tests.Support;

/// <summary>The real app on a temporary data folder (SQLite file, clips, keys) with the demo city seeded.</summary>
public class AppFactory : WebApplicationFactory<Program>
{
    private readonly TempFolder _folder = new();
    private Dictionary<string, string?> _database = [];

    public string DataFolder => _folder.Path;

    /// <summary>The warnings and errors the app logged.</summary>
    public RecordingLoggerProvider Warnings { get; } = new();

    /// <summary>More settings for this host (an SMTP server, say), applied over the defaults.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConsentDashboard:DataFolder", _folder.Path);
        builder.UseSetting("ConsentDashboard:SeedDemoData", "true");
        // Every test client shares one address; the limits themselves are tested with their real values (RateLimitTests).
        builder.UseSetting("ConsentDashboard:RateLimits:AccountFormsPerHour", "100000");
        builder.UseSetting("ConsentDashboard:RateLimits:ExportsPerHour", "100000");
        builder.ConfigureLogging(logging => logging.AddProvider(Warnings));
        _database = PostgresServer.SuiteDatabaseSettingsAsync().GetAwaiter().GetResult();
        foreach (var (name, value) in _database)
        {
            builder.UseSetting(name, value);
        }

        foreach (var (name, value) in Settings)
        {
            builder.UseSetting(name, value);
        }
    }

    public ApplicationDbContext CreateDbContext() =>
        Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContext();

    public HttpClient CreateBrowserlessClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        PostgresServer.ClosePool(_database);
        _folder.Dispose();
    }
}

/// <summary>The app with a clock the test moves: demo data is seeded at the real time, then time can jump ahead.</summary>
public sealed class FakeTimeAppFactory : AppFactory
{
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Time));
    }
}

/// <summary>The same app served by Kestrel on a loopback port, for the browser tests; given a clock, on that clock.</summary>
public sealed class KestrelAppFactory : AppFactory
{
    private readonly TimeProvider? _time;

    public KestrelAppFactory(TimeProvider? time = null)
    {
        _time = time;
        UseKestrel(0);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (_time is not null)
        {
            builder.ConfigureServices(services => services.AddSingleton(_time));
        }
    }

    public string ServerAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return address.Replace("[::1]", "127.0.0.1").Replace("localhost", "127.0.0.1");
        }
    }
}
