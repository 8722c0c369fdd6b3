using ConsentDashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ConsentDashboard.Data;

/// <summary>
/// The same model on PostgreSQL. A type of its own only so that EF Core keeps a migration set per provider
/// (<c>Data/Migrations/PostgreSql</c>); the app still asks for <see cref="ApplicationDbContext"/> everywhere, and
/// <see cref="ApplicationDbContextFactory"/> hands out this type when PostgreSQL is configured.
/// </summary>
public sealed class PostgreSqlDbContext(DbContextOptions<ApplicationDbContext> options) : ApplicationDbContext(options);

/// <summary>
/// For <c>dotnet ef migrations add Name --context PostgreSqlDbContext --output-dir Data/Migrations/PostgreSql</c>: the
/// app's own services on PostgreSQL, so the model is the one the app builds (Identity's schema version comes from
/// them). Generating a migration needs the provider, not a server.
/// </summary>
public sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlDbContext>
{
    public PostgreSqlDbContext CreateDbContext(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConsentDashboard:Database:Provider"] = nameof(DatabaseProvider.PostgreSql),
            ["ConnectionStrings:DefaultConnection"] = "Host=localhost;Database=consentdashboard",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddConsentDashboard(configuration);
        return (PostgreSqlDbContext)services.BuildServiceProvider().GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContext();
    }
}
