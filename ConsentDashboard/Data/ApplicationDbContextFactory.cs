using ConsentDashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Data;

/// <summary>
/// Contexts for the configured database: <see cref="ApplicationDbContext"/> on SQLite, <see cref="PostgreSqlDbContext"/>
/// on PostgreSQL, each with its own migrations. Everything else asks for <see cref="ApplicationDbContext"/>. The one
/// place the provider is chosen: its options (<see cref="UseDatabase"/>) and its context type.
/// </summary>
public sealed class ApplicationDbContextFactory(DbContextOptions<ApplicationDbContext> options, IOptions<ConsentDashboardOptions> settings)
    : IDbContextFactory<ApplicationDbContext>
{
    private readonly DatabaseProvider _provider = settings.Value.Database.Provider;

    public ApplicationDbContext CreateDbContext() => _provider == DatabaseProvider.PostgreSql
        ? new PostgreSqlDbContext(options)
        : new ApplicationDbContext(options);

    /// <summary>Points the options at the database of <paramref name="provider"/>.</summary>
    public static void UseDatabase(DbContextOptionsBuilder db, DatabaseProvider provider, string connectionString)
    {
        if (provider == DatabaseProvider.PostgreSql)
        {
            db.UseNpgsql(connectionString);
        }
        else
        {
            db.UseSqlite(connectionString);
        }
    }

    /// <summary>
    /// The app's own factory for a database named directly, outside a host: the design-time tools, and tests that open a
    /// database the app has not prepared.
    /// </summary>
    internal static IDbContextFactory<ApplicationDbContext> For(DatabaseProvider provider, string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConsentDashboard:Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:DefaultConnection"] = connectionString,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddConsentDashboard(configuration);
        return services.BuildServiceProvider().GetRequiredService<IDbContextFactory<ApplicationDbContext>>();
    }
}
