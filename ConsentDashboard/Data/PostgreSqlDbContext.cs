using ConsentDashboard.Infrastructure;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ConsentDashboard.Data;

/// <summary>
/// The same model on PostgreSQL, a type of its own so that EF Core keeps a migration set per provider
/// (<c>Data/Migrations/PostgreSql</c>); the app still asks for <see cref="ApplicationDbContext"/> everywhere, and
/// <see cref="ApplicationDbContextFactory"/> hands out this type when PostgreSQL is configured. One table more: Data
/// Protection's keys, which every node must share (on SQLite, one process, they are files in the data folder), and the
/// ticks of periodic work, which must run once across nodes.
/// </summary>
public sealed class PostgreSqlDbContext(DbContextOptions<ApplicationDbContext> options) : ApplicationDbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<PeriodicWorkRun> PeriodicWorkRuns => Set<PeriodicWorkRun>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Here, not in Configurations/: the base model applies every configuration there, and SQLite has no such table.
        builder.Entity<PeriodicWorkRun>(run =>
        {
            run.HasKey(r => r.Work);
            run.Property(r => r.Work).HasMaxLength(100);
        });
    }
}

/// <summary>
/// For <c>dotnet ef migrations add Name --context PostgreSqlDbContext --output-dir Data/Migrations/PostgreSql</c>: the
/// app's own services on PostgreSQL, so the model is the one the app builds (Identity's schema version comes from
/// them). Generating a migration needs the provider, not a server.
/// </summary>
public sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlDbContext>
{
    public PostgreSqlDbContext CreateDbContext(string[] args) =>
        (PostgreSqlDbContext)ApplicationDbContextFactory.For(DatabaseProvider.PostgreSql, "Host=localhost;Database=consentdashboard").CreateDbContext();
}

/// <summary>
/// For <c>dotnet ef migrations add Name --context ApplicationDbContext --output-dir Data/Migrations</c>: the same on
/// SQLite. Without it the tools would take the PostgreSQL factory above for this context too (its type derives from it).
/// </summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<ApplicationDbContext>
{
    public ApplicationDbContext CreateDbContext(string[] args) =>
        ApplicationDbContextFactory.For(DatabaseProvider.Sqlite, "Data Source=design-time.db").CreateDbContext();
}
