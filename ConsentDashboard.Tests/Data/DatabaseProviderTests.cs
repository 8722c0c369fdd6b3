using System.Data.Common;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ConsentDashboard.Tests.Data;

/// <summary>
/// What must hold on either database the app runs on: SQLite in the data folder, or one PostgreSQL database shared by
/// several app nodes (each test's nodes are app instances of their own on one database).
/// </summary>
public sealed class DatabaseProviderTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly TempFolder _sqliteFolder = new();
    private readonly List<TestApp> _nodes = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _nodes.ForEach(node => node.Dispose());
        _sqliteFolder.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Settings that put an app on one shared database of the given kind (a new, empty one per test).</summary>
    private async Task<Func<Task<TestApp>>> DatabaseAsync(DatabaseProvider provider)
    {
        var settings = new Dictionary<string, string?> { ["ConsentDashboard:Database:Provider"] = provider.ToString() };
        if (provider == DatabaseProvider.PostgreSql)
        {
            settings["ConnectionStrings:DefaultConnection"] = await postgres.CreateDatabaseAsync(empty: true);
        }

        return async () =>
        {
            var node = await TestApp.CreateAsync(settings: new Dictionary<string, string?>(settings), dataFolder: _sqliteFolder.Path);
            lock (_nodes)
            {
                _nodes.Add(node);
            }

            return node;
        };
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task AnEmptyDatabase_IsMigratedOnce_WhenTwoNodesStartTogether(DatabaseProvider provider)
    {
        var node = await DatabaseAsync(provider);

        await Task.WhenAll(node(), node());

        await using var db = _nodes[0].CreateDbContext();
        Assert.Equal(provider == DatabaseProvider.PostgreSql, db is PostgreSqlDbContext);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        // A model change without a migration in this provider's set shows here.
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes no migration of this provider's set makes.");
        Assert.Equal(Roles.All.Order(), await db.Roles.Select(r => r.Name!).OrderBy(n => n).ToListAsync());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task TheLogAndItsTree_RefuseUpdateDeleteAndTruncate(DatabaseProvider provider)
    {
        var app = await (await DatabaseAsync(provider))();
        var log = app.Get<AuditLog>();
        for (var i = 1; i <= 4; i++)
        {
            await log.WriteAsync((_, audit, _) => audit.AppendAsync("user:test", $"clip:{i}", new LogViewed($"test {i}", "sequence")));
        }

        // SQLite has no TRUNCATE: its "empty the table" is a DELETE without a condition.
        var truncate = provider == DatabaseProvider.PostgreSql ? "TRUNCATE {0}" : "DELETE FROM {0}";
        string[] statements =
        [
            """UPDATE "AuditEntries" SET "Actor" = 'user:x' WHERE "Sequence" = 1""",
            """DELETE FROM "AuditEntries" WHERE "Sequence" = 4""",
            string.Format(truncate, "\"AuditEntries\""),
            """UPDATE "AuditTreeNodes" SET "Hash" = "Hash" WHERE "Level" >= 1""",
            """DELETE FROM "AuditTreeNodes" WHERE "Level" >= 1""",
            string.Format(truncate, "\"AuditTreeNodes\""),
        ];
        await using var db = app.CreateDbContext();
        var nodes = await db.AuditTreeNodes.CountAsync();
        foreach (var statement in statements)
        {
            var refused = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync(statement));
            Assert.Contains("append-only", refused.Message);
        }

        Assert.Equal(4, await db.AuditEntries.CountAsync(e => e.Actor == "user:test"));
        Assert.Equal(nodes, await db.AuditTreeNodes.CountAsync());
        Assert.True((await AuditChainVerifier.VerifyAsync(db)).IsValid);
    }

    [Fact]
    public async Task OnPostgreSql_NodesRunAsARoleThatCannotChangeTheLog_WhileTheSchemasOwnerMigrates()
    {
        var owner = await postgres.CreateDatabaseAsync(empty: true);
        var settings = new Dictionary<string, string?>
        {
            ["ConsentDashboard:Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:DefaultConnection"] = await postgres.CreateLoginRoleAsync(owner),
            ["ConnectionStrings:MigrationConnection"] = owner,
        };

        // Two nodes starting together: one migrates as the owner and grants the app's role its rights, the other finds both done.
        var nodes = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            var node = await TestApp.CreateAsync(settings: new Dictionary<string, string?>(settings), dataFolder: _sqliteFolder.Path);
            lock (_nodes)
            {
                _nodes.Add(node);
            }

            return node;
        }));

        // The app's role does its work: it appends to the log, and adds, changes and removes other rows.
        var log = nodes[0].Get<AuditLog>();
        for (var i = 1; i <= 3; i++)
        {
            await log.WriteAsync((_, audit, _) => audit.AppendAsync("user:test", $"clip:{i}", new LogViewed($"test {i}", "sequence")));
        }

        await using var db = nodes[1].CreateDbContext();
        var agency = new Agency { Name = "Harbour City Police", Jurisdiction = "Harbour City" };
        db.Agencies.Add(agency);
        await db.SaveChangesAsync();
        agency.Name = "Harbour City Police Department";
        await db.SaveChangesAsync();
        db.Agencies.Remove(agency);
        await db.SaveChangesAsync();

        // It has no right to change the log, or to lift the triggers that guard it (only the owner may alter a table).
        string[] statements =
        [
            """UPDATE "AuditEntries" SET "Actor" = 'user:x' WHERE "Sequence" = 1""",
            """DELETE FROM "AuditEntries" WHERE "Sequence" = 3""",
            """TRUNCATE "AuditEntries" """,
            """DELETE FROM "AuditTreeNodes" WHERE "Level" >= 1""",
            """TRUNCATE "AuditTreeNodes" """,
            """ALTER TABLE "AuditEntries" DISABLE TRIGGER USER""",
            """DELETE FROM "__EFMigrationsHistory" """,
        ];
        foreach (var statement in statements)
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(statement));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }

        Assert.Equal(3, await db.AuditEntries.CountAsync(e => e.Actor == "user:test"));
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.True((await AuditChainVerifier.VerifyAsync(db)).IsValid);
    }

    // On PostgreSQL, Deploy/ConcurrentAppendTests checks the same with two app processes.
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task FourWritersOnEachOfTwoNodes_AppendOneGapFreeChain(DatabaseProvider provider)
    {
        const int writersPerNode = 4, entriesPerWriter = 500;
        var node = await DatabaseAsync(provider);
        var nodes = new[] { await node(), await node() };

        var writers = nodes.SelectMany((app, n) => Enumerable.Range(0, writersPerNode).Select(w => Task.Run(async () =>
        {
            var log = app.Get<AuditLog>();
            for (var i = 0; i < entriesPerWriter; i++)
            {
                await log.WriteAsync((_, audit, _) => audit.AppendAsync($"user:node{n}-writer{w}", $"clip:{i}", new LogViewed($"entry {i}", "sequence")));
            }
        })));
        await Task.WhenAll(writers);

        const int total = 2 * writersPerNode * entriesPerWriter;
        await using var db = nodes[1].CreateDbContext();
        Assert.Equal(Enumerable.Range(1, total).Select(s => (long)s), await db.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync());
        Assert.Equal(total, await db.AuditEntries.Select(e => e.Actor + e.Subject).Distinct().CountAsync());
        var verified = await AuditChainVerifier.VerifyAsync(db);
        Assert.True(verified.IsValid, verified.Reason);
        Assert.Equal(total, verified.EntriesChecked);
    }

    [Fact]
    public async Task OnPostgreSql_ASignInCookieFromOneNode_WorksOnAnother()
    {
        // Two app nodes with data folders of their own on one database: the keys that protect cookies are in the database.
        var database = await postgres.CreateDatabaseAsync(empty: true);
        await using var nodeA = new AppFactory();
        await using var nodeB = new AppFactory();
        foreach (var node in new[] { nodeA, nodeB })
        {
            node.Settings["ConsentDashboard:Database:Provider"] = "PostgreSQL";
            node.Settings["ConnectionStrings:DefaultConnection"] = database;
        }

        var cookies = new System.Net.CookieContainer();
        using var onA = nodeA.CreateDefaultClient(new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(cookies));
        using var onB = nodeB.CreateDefaultClient(new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(cookies));
        await SignIn.AsAsync(onA, "maya@larkspurbay.example");

        var inbox = await onB.GetAsync("/inbox");

        Assert.Equal(System.Net.HttpStatusCode.OK, inbox.StatusCode);
        Assert.Contains("maya@larkspurbay.example", await inbox.Content.ReadAsStringAsync());
        await using var db = nodeB.CreateDbContext();
        Assert.True(await ((PostgreSqlDbContext)db).DataProtectionKeys.AnyAsync());
        Assert.False(Directory.Exists(Path.Combine(nodeA.DataFolder, "keys")), "On PostgreSQL the keys are not files in a node's data folder.");
    }

    [Fact]
    public async Task APostgreSqlServerThatDoesNotAnswer_StopsTheStart_WithOneLine()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await AppCommand.RunAsync([], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ConsentDashboard__DataFolder"] = _sqliteFolder.Path,
            ["ConsentDashboard__Database__Provider"] = "PostgreSQL",
            ["ConnectionStrings__DefaultConnection"] = $"Host=127.0.0.1;Port={closedPort};Database=consentdashboard;Username=nobody;Timeout=3",
        });

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ConsentDashboard cannot start: Failed to connect to 127.0.0.1:", line);
        Assert.DoesNotContain("   at ", result.Output + result.Error);
    }

    [Theory]
    [InlineData("Postgres", "Host=db", null, "ConsentDashboard:Database:Provider is \"Postgres\": set it to Sqlite (the default) or PostgreSQL.")]
    [InlineData("PostgreSQL", "", null, "ConsentDashboard:Database:Provider is PostgreSQL, but ConnectionStrings:DefaultConnection is not set.")]
    [InlineData("postgresql", "Host=db;Database=consentdashboard", null, null)]
    [InlineData(null, "", null, null)]
    [InlineData(null, "", "Host=db;Database=consentdashboard;Username=owner", "ConnectionStrings:MigrationConnection is set, but only PostgreSQL uses it")]
    [InlineData("PostgreSQL", "Host=db;Database=consentdashboard;Username=app", "Host=db;Database=consentdashboard;Username=owner", null)]
    [InlineData("PostgreSQL", "Host=db;Database=consentdashboard;Username=app", "Host=db;Database=other;Username=owner",
        "ConnectionStrings:MigrationConnection and ConnectionStrings:DefaultConnection name different databases")]
    [InlineData("PostgreSQL", "Host=db;Database=consentdashboard;Username=app", "Host=db;Database=consentdashboard;Username=app;Password=x",
        "ConnectionStrings:MigrationConnection and ConnectionStrings:DefaultConnection use the same role (app)")]
    [InlineData("PostgreSQL", "Host=db;Database=consentdashboard;Username=app", "Host=db;Colour=blue", "A PostgreSQL connection string cannot be read")]
    [InlineData("PostgreSQL", "Host=db;Database=consentdashboard", "Host=db;Database=consentdashboard;Username=owner",
        "ConnectionStrings:MigrationConnection is set, so ConnectionStrings:DefaultConnection must name the role the app runs as")]
    public void ADatabaseSettingThatCannotWork_IsNamedInOneLine_BeforeTheAppStarts(string? provider, string connectionString, string? migrationConnection, string? problem)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConsentDashboard:Database:Provider"] = provider,
            ["ConnectionStrings:DefaultConnection"] = connectionString,
            ["ConnectionStrings:MigrationConnection"] = migrationConnection,
        }).Build();

        var found = ConsentDashboardSetup.DatabaseSettingProblem(configuration);

        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.StartsWith(problem, found);
        }
    }
}
