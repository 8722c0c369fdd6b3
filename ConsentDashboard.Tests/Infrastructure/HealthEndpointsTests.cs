using System.Net;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Tests.Support;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConsentDashboard.Tests.Infrastructure;

/// <summary>What a load balancer asks: is the process up, and can it take traffic.</summary>
public sealed class HealthEndpointsTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task ARunningAppWithItsDatabaseMigrated_IsHealthyAndReady_AndSaysNothingElse(string path)
    {
        using var anyone = app.CreateBrowserlessClient();

        using var response = await anyone.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ADatabaseWithMigrationsLeft_IsNotReady()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "empty.db");
        // A database that answers but was never migrated.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
        }

        var check = new DatabaseReadyCheck(ApplicationDbContextFactory.For(DatabaseProvider.Sqlite, $"Data Source={path}"));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("migration(s) not applied yet", result.Description);
    }

    [Fact]
    public async Task ADatabaseThatCannotBeOpened_IsNotReady()
    {
        using var folder = new TempFolder();
        // A folder where the file should be: SQLite cannot open it.
        var check = new DatabaseReadyCheck(ApplicationDbContextFactory.For(DatabaseProvider.Sqlite, $"Data Source={folder.Path};Mode=ReadOnly"));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("The database does not answer.", result.Description);
    }
}
