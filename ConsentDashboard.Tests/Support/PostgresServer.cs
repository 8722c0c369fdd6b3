using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

[assembly: AssemblyFixture(typeof(ConsentDashboard.Tests.Support.PostgresServer))]

namespace ConsentDashboard.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run, started the first time a test asks for a database: initdb into a
/// temporary folder, listening on 127.0.0.1 only, on a free port. PostgreSQL refuses to run as root, so as root the
/// server runs as the <c>postgres</c> user. Every test gets an empty database of its own. It needs PostgreSQL's server
/// binaries (Debian: <c>apt-get install postgresql-15</c>, which <c>.ci/run</c> does when they are missing).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string Superuser = "consentdashboard";
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly SemaphoreSlim _templating = new(1, 1);
    private string? _template;
    private string? _folder;
    private string? _bin;
    private int _port;

    public PostgresServer() => Shared = this;

    /// <summary>The run's server (an assembly fixture: one per test run).</summary>
    public static PostgresServer? Shared { get; private set; }

    /// <summary>
    /// The database the shared test apps run on: SQLite, unless <c>CONSENTDASHBOARD_TEST_DATABASE=PostgreSql</c> runs the
    /// suite again on PostgreSQL. Tests about one provider name it themselves.
    /// </summary>
    public static bool SuiteRunsOnPostgreSql =>
        string.Equals(Environment.GetEnvironmentVariable("CONSENTDASHBOARD_TEST_DATABASE"), "PostgreSql", StringComparison.OrdinalIgnoreCase);

    /// <summary>Settings that put one app on a new database of the suite's provider (none for SQLite: the data folder's file).</summary>
    public static async Task<Dictionary<string, string?>> SuiteDatabaseSettingsAsync() => SuiteRunsOnPostgreSql
        ? new()
        {
            ["ConsentDashboard:Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:DefaultConnection"] = await (Shared ?? throw new InvalidOperationException("The PostgreSQL server fixture was not created.")).CreateDatabaseAsync(),
        }
        : [];

    /// <summary>
    /// The connection string of a new database on the server (started now if it is not yet): a copy of one migrated
    /// once for the run, or with <paramref name="empty"/> a database with nothing in it.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(bool empty = false)
    {
        await StartAsync();
        var name = $"test_{Guid.NewGuid():N}";
        var template = empty ? "template0" : await MigratedTemplateAsync();
        await ExecuteAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        return ConnectionString(name);
    }

    /// <summary>
    /// A new login role with no rights of its own (the server trusts local connections, so it needs no password), and
    /// <paramref name="connectionString"/> with that role in place of the owner.
    /// </summary>
    public async Task<string> CreateLoginRoleAsync(string connectionString)
    {
        var role = $"app_{Guid.NewGuid():N}";
        await ExecuteAsync($"CREATE ROLE \"{role}\" LOGIN");
        return new NpgsqlConnectionStringBuilder(connectionString) { Username = role }.ToString();
    }

    /// <summary>A database migrated by the app once per run; copying it is much faster than migrating each test's.</summary>
    private async Task<string> MigratedTemplateAsync()
    {
        await _templating.WaitAsync();
        try
        {
            if (_template is null)
            {
                const string name = "migrated_template";
                await ExecuteAsync($"CREATE DATABASE \"{name}\" TEMPLATE template0");
                var settings = new Dictionary<string, string?>
                {
                    ["ConsentDashboard:Database:Provider"] = "PostgreSQL",
                    ["ConnectionStrings:DefaultConnection"] = ConnectionString(name),
                };
                using (await TestApp.CreateAsync(settings: settings))
                {
                }

                _template = name;
            }

            return _template;
        }
        finally
        {
            _templating.Release();
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Closes a finished app's idle PostgreSQL connections at once (a pool otherwise keeps them for minutes), so the
    /// many apps of a test run stay under the server's connection limit.
    /// </summary>
    public static void ClosePool(IReadOnlyDictionary<string, string?> settings)
    {
        if (string.Equals(settings.GetValueOrDefault("ConsentDashboard:Database:Provider"), "PostgreSQL", StringComparison.OrdinalIgnoreCase)
            && settings.GetValueOrDefault("ConnectionStrings:DefaultConnection") is { } connectionString)
        {
            using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Database = database,
        Username = Superuser,
        // Each test's app opens its own pool; keep them small so many tests fit under the server's connection limit.
        MaxPoolSize = 20,
    }.ToString();

    private async Task StartAsync()
    {
        await _starting.WaitAsync();
        try
        {
            if (_folder is not null)
            {
                return;
            }

            _bin = Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "pg_ctl"))).Max()
                : null;
            if (_bin is null)
            {
                throw new InvalidOperationException(
                    "The PostgreSQL tests need PostgreSQL's server binaries in /usr/lib/postgresql/<version>/bin (Debian: apt-get install postgresql-15).");
            }

            var folder = Directory.CreateTempSubdirectory("consentdashboard-postgres-").FullName;
            if (Environment.UserName == "root")
            {
                await RunAsync("chown", "-R", "postgres:postgres", folder);
            }

            _port = FreePort();
            var data = Path.Combine(folder, "data");
            await RunAsPostgresAsync(Path.Combine(_bin, "initdb"), "-D", data, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-sync");
            // fsync off: a test server's data may be lost in a crash of the machine, which no test simulates.
            await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", data, "-l", Path.Combine(folder, "server.log"), "-w", "-o",
                $"-c listen_addresses=127.0.0.1 -p {_port} -k {folder} -c fsync=off -c max_connections=500", "start");
            _folder = folder;
        }
        finally
        {
            _starting.Release();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task RunAsPostgresAsync(string program, params string[] arguments) =>
        Environment.UserName == "root" ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}{await output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is { } folder)
        {
            NpgsqlConnection.ClearAllPools();
            await RunAsPostgresAsync(Path.Combine(_bin!, "pg_ctl"), "-D", Path.Combine(folder, "data"), "-m", "immediate", "-w", "stop");
            Directory.Delete(folder, recursive: true);
        }

        _starting.Dispose();
        _templating.Dispose();
    }
}
