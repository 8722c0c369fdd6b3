using ConsentDashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Support;

/// <summary>A migrated SQLite file of its own, without the web host, for service-level tests.</summary>
public sealed class TestDatabase : IDbContextFactory<ApplicationDbContext>, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly DbContextOptions<ApplicationDbContext> _options;

    private TestDatabase()
    {
        ConnectionString = $"Data Source={System.IO.Path.Combine(_folder.Path, "test.db")}";
        // IdentityDbContext reads the schema version (passkeys and all) from the app's Identity options.
        var identity = new ServiceCollection()
            .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
            .BuildServiceProvider();
        _options = new DbContextOptionsBuilder<ApplicationDbContext>()
            .UseSqlite(ConnectionString)
            .UseApplicationServiceProvider(identity)
            .Options;
    }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var database = new TestDatabase();
        await using var db = database.CreateDbContext();
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        return database;
    }

    public ApplicationDbContext CreateDbContext() => new(_options);

    public void Dispose() => _folder.Dispose();
}
