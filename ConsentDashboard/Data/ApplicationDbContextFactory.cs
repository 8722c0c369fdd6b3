using ConsentDashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Data;

/// <summary>
/// Contexts for the configured database: <see cref="ApplicationDbContext"/> on SQLite, <see cref="PostgreSqlDbContext"/>
/// on PostgreSQL, each with its own migrations. Everything else asks for <see cref="ApplicationDbContext"/>.
/// </summary>
public sealed class ApplicationDbContextFactory(DbContextOptions<ApplicationDbContext> options, IOptions<ConsentDashboardOptions> settings)
    : IDbContextFactory<ApplicationDbContext>
{
    private readonly DatabaseProvider _provider = settings.Value.Database.Provider;

    public ApplicationDbContext CreateDbContext() => _provider == DatabaseProvider.PostgreSql
        ? new PostgreSqlDbContext(options)
        : new ApplicationDbContext(options);
}
