using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ConsentDashboard.Tests.Support;

/// <summary>
/// The app's own services, registered by <c>AddConsentDashboard</c> exactly as the web host does, on a migrated SQLite
/// file and data folder of their own, with the test's clock. A test overrides only what it must; no constructor is
/// called by hand, so a service that gains a dependency needs no change here.
/// </summary>
public sealed class TestApp : IDbContextFactory<ApplicationDbContext>, IDisposable
{
    private readonly TempFolder? _folder;
    private readonly ServiceProvider _provider;
    private readonly IServiceScope _scope;

    private TestApp(FakeTimeProvider time, IDictionary<string, string?> settings, Action<IServiceCollection>? overrides, string? dataFolder)
    {
        Time = time;
        _folder = dataFolder is null ? new TempFolder() : null;
        DataFolder = dataFolder ?? _folder!.Path;
        settings["ConsentDashboard:DataFolder"] = DataFolder;
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(Configuration);
        services.AddSingleton<IWebHostEnvironment>(new FixedEnvironment(DataFolder));
        services.AddSingleton<TimeProvider>(time);
        services.AddConsentDashboard(Configuration);
        overrides?.Invoke(services);
        _provider = services.BuildServiceProvider();
        _scope = _provider.CreateScope();
    }

    public FakeTimeProvider Time { get; }

    public IConfiguration Configuration { get; }

    public string DataFolder { get; }

    public string ConnectionString => ConsentDashboardSetup.DatabaseConnectionString(_provider);

    /// <summary>One scope for the test's lifetime: the app's services are stateless per operation.</summary>
    public IServiceProvider Services => _scope.ServiceProvider;

    /// <summary>
    /// A migrated database with every role. Given <paramref name="dataFolder"/>, the app opens that folder (and does not
    /// delete it) the way a restarted process opens what an earlier one left.
    /// </summary>
    public static async Task<TestApp> CreateAsync(
        FakeTimeProvider? time = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? overrides = null,
        string? dataFolder = null)
    {
        settings ??= new Dictionary<string, string?>();
        if (!settings.ContainsKey("ConsentDashboard:Database:Provider"))
        {
            // An app reopening a data folder reopens its database too, as a restarted process would.
            var database = dataFolder is null
                ? await PostgresServer.SuiteDatabaseSettingsAsync()
                : await DatabasesOfFolders.GetOrAdd(dataFolder, _ => PostgresServer.SuiteDatabaseSettingsAsync());
            foreach (var (name, value) in database)
            {
                settings[name] = value;
            }
        }

        var app = new TestApp(time ?? new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero)), settings, overrides, dataFolder);
        await app._provider.MigrateAndEnsureRolesAsync();
        return app;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<Dictionary<string, string?>>> DatabasesOfFolders = new();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public ApplicationDbContext CreateDbContext() => Get<IDbContextFactory<ApplicationDbContext>>().CreateDbContext();

    public void Dispose()
    {
        _scope.Dispose();
        _provider.Dispose();
        PostgresServer.ClosePool(Configuration.AsEnumerable().ToDictionary(setting => setting.Key, setting => setting.Value));
        _folder?.Dispose();
    }
}
