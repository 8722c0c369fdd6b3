using System.Diagnostics;
using System.Globalization;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace ConsentDashboard.Benchmarks;

/// <summary>
/// The PostgreSQL figures beside the SQLite ones, on a durable cluster (fsync and synchronous commit on), each on a
/// database of its own: <c>verify-log --connection</c> on the generated log beside <c>psql</c> copying the same columns
/// out; durable appends through the app's audit writer with one node and with two (two sets of the app's services,
/// each with its own pool and writer, on one database); and the fan-out of one request over a million cameras.
/// Run with <c>bash tools/postgresql-load.sh [entries]</c>, which starts the cluster.
/// </summary>
public static class PostgreSqlLoad
{
    private const int FanOutCameras = 1_000_000, FanOutResidents = 100_000;

    /// <param name="parts">Which measurements: <c>verification</c>, <c>appends</c>, <c>fanout</c>; all when empty.</param>
    public static async Task RunAsync(string connectionString, int entries, string postgresBin, IReadOnlyCollection<string> parts)
    {
        bool Wanted(string part) => parts.Count == 0 || parts.Contains(part);
        if (Wanted("verification"))
        {
            await VerificationAsync(await CreateDatabaseAsync(connectionString, "verification"), entries, postgresBin);
        }

        if (Wanted("appends"))
        {
            await AppendsAsync(await CreateDatabaseAsync(connectionString, "appends"));
        }

        if (Wanted("fanout"))
        {
            // The generated city is kept between runs (generating it takes minutes); a new cluster starts without it.
            await FanOutAsync(await CreateDatabaseAsync(connectionString, "fanout", keep: true));
        }
    }

    private static async Task VerificationAsync(string connectionString, int entries, string postgresBin)
    {
        using (var node = await NodeAsync(connectionString))
        {
            // Migrated while the log is empty: the rows copied in below are the generated chain, nothing else.
        }

        var source = await AuditBenchmarkDatabase.OpenAsync(entries);
        var copied = Stopwatch.StartNew();
        await CopyLogAsync(source.Path, connectionString);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Copied {entries:N0} entries into PostgreSQL in {copied.Elapsed.TotalSeconds:N1} s."));

        var folder = Directory.CreateTempSubdirectory("postgresql-verify-").FullName;
        try
        {
            using var signer = new AuditCheckpointSigner(new DataFolder(
                Microsoft.Extensions.Options.Options.Create(new ConsentDashboardOptions { DataFolder = folder }), new FixedEnvironment(folder)));
            var key = Path.Combine(folder, "log-key.pem");
            await File.WriteAllTextAsync(key, signer.PublicKeyPem);
            var app = Path.Combine(AppContext.BaseDirectory, "ConsentDashboard.dll");
            var server = new NpgsqlConnectionStringBuilder(connectionString);
            const string columns = "\"Sequence\", \"Timestamp\", \"Actor\", \"Action\", \"Subject\", \"Details\", \"PreviousHash\", \"Hash\", \"AgencyId\", \"CaseNumber\", \"LegalBasis\", \"ResidentId\"";
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| PostgreSQL, {entries:N0} entries, best of 3 | time | entries/s | peak RSS |"));
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            await VerifyCommand.ReportAsync("verify-log --connection, whole command", entries, "dotnet", [app, "verify-log", "--connection", connectionString, "--public-key", key]);
            await VerifyCommand.ReportAsync("psql copying the same columns out (binary)", entries, Path.Combine(postgresBin, "psql"),
            [
                "-h", server.Host!, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", server.Username!, "-d", server.Database!,
                "-c", $"COPY (SELECT {columns} FROM \"AuditEntries\" ORDER BY \"Sequence\") TO STDOUT (FORMAT BINARY)",
            ]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task AppendsAsync(string connectionString)
    {
        using var first = await NodeAsync(connectionString);
        using var second = await NodeAsync(connectionString);
        var (one, two) = (first.GetRequiredService<AuditLog>(), second.GetRequiredService<AuditLog>());
        Console.WriteLine();
        Console.WriteLine("Durable appends on PostgreSQL, one node:");
        Console.WriteLine("| writers | entries/s | p50 per append | p95 per append | entries per commit |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
        await AppendLoad.ReportAsync([one], [1, 4, 16, 64]);
        Console.WriteLine();
        Console.WriteLine("Two nodes (the writers split evenly between them):");
        Console.WriteLine("| writers | entries/s | p50 per append | p95 per append | entries per commit |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
        await AppendLoad.ReportAsync([one, two], [2, 4, 16, 64]);
        await using var db = first.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContext();
        var verified = await AuditChainVerifier.VerifyAsync(db);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The appended chain of {verified.EntriesChecked:N0} entries verifies: {verified.IsValid}."));
    }

    private static async Task FanOutAsync(string connectionString)
    {
        using var node = await NodeAsync(connectionString);
        await using (var db = node.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContext())
        {
            if (await db.Cameras.CountAsync() != FanOutCameras)
            {
                var generated = Stopwatch.StartNew();
                await GenerateCamerasAsync(node);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Generated {FanOutCameras:N0} cameras for {FanOutResidents:N0} residents in PostgreSQL in {generated.Elapsed.TotalSeconds:N1} s."));
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| fan-out on PostgreSQL, {FanOutCameras:N0} cameras, 64 requests | median | p95 | the area query alone (median) | residents notified (median) |"));
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        var log = node.GetRequiredService<AuditLog>();
        var dbFactory = node.GetRequiredService<IDbContextFactory<ApplicationDbContext>>();
        // As FanOutBenchmarks does on SQLite: the same 64 centres, once round to warm up, then once more measured.
        var centres = FanOutBenchmarks.Centres();
        foreach (var radius in new[] { 150, 640 })
        {
            var times = new List<double>();
            var queryTimes = new List<double>();
            var notified = new List<int>();
            for (var i = 0; i < 2 * centres.Length; i++)
            {
                var (latitude, longitude) = centres[i % centres.Length];
                var measured = i >= centres.Length;
                var started = Stopwatch.GetTimestamp();
                var count = await FanOutBenchmarks.FanOutOnceAsync(log, latitude, longitude, radius);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                // The area query alone, on a context of its own, as the request service runs it before the write lock.
                await using (var db = await dbFactory.CreateDbContextAsync())
                {
                    started = Stopwatch.GetTimestamp();
                    await ConsentDashboard.Features.Requests.NoticeFanOut.FindResidentsAsync(db, 1, latitude, longitude, radius);
                    if (measured)
                    {
                        queryTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }

                if (measured)
                {
                    times.Add(elapsed);
                    notified.Add(count);
                }
            }

            times.Sort();
            queryTimes.Sort();
            notified.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {radius} m | {times[times.Count / 2]:N2} ms | {times[(int)Math.Ceiling(0.95 * times.Count) - 1]:N2} ms | {queryTimes[queryTimes.Count / 2]:N2} ms | {notified[notified.Count / 2]:N0} |"));
        }
    }

    /// <summary>The app's own services on the database, migrated: one app node, without its web host.</summary>
    private static async Task<ServiceProvider> NodeAsync(string connectionString)
    {
        var folder = Directory.CreateTempSubdirectory("postgresql-node-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConsentDashboard:Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:DefaultConnection"] = connectionString,
            ["ConsentDashboard:DataFolder"] = folder,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration)
            .AddSingleton<IWebHostEnvironment>(new FixedEnvironment(folder));
        services.AddConsentDashboard(configuration);
        var provider = services.BuildServiceProvider();
        await provider.MigrateAndEnsureRolesAsync();
        return provider;
    }

    private static async Task<string> CreateDatabaseAsync(string connectionString, string name, bool keep = false)
    {
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var exists = new NpgsqlCommand($"SELECT count(*) FROM pg_database WHERE datname = '{name}'", connection);
            if (!keep || (long)(await exists.ExecuteScalarAsync())! == 0)
            {
                await using var create = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\"; CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync();
            }
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { Database = name }.ConnectionString;
    }

    /// <summary>The generated SQLite log's rows into PostgreSQL's table, by binary COPY.</summary>
    private static async Task CopyLogAsync(string sqlitePath, string connectionString)
    {
        await using var sqlite = new SqliteConnection($"Data Source={sqlitePath};Mode=ReadOnly");
        await sqlite.OpenAsync();
        await using var read = sqlite.CreateCommand();
        read.CommandText = "SELECT Sequence, Timestamp, Actor, Action, Subject, Details, PreviousHash, Hash, AgencyId, CaseNumber, LegalBasis, ResidentId FROM AuditEntries ORDER BY Sequence";
        await using var rows = await read.ExecuteReaderAsync();
        await using var postgres = new NpgsqlConnection(connectionString);
        await postgres.OpenAsync();
        await using (var copy = await postgres.BeginBinaryImportAsync(
            "COPY \"AuditEntries\" (\"Sequence\", \"Timestamp\", \"Actor\", \"Action\", \"Subject\", \"Details\", \"PreviousHash\", \"Hash\", \"AgencyId\", \"CaseNumber\", \"LegalBasis\", \"ResidentId\") FROM STDIN (FORMAT BINARY)"))
        {
            while (await rows.ReadAsync())
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(rows.GetInt64(0), NpgsqlDbType.Bigint);
                await copy.WriteAsync(DateTime.SpecifyKind(DateTime.Parse(rows.GetString(1), CultureInfo.InvariantCulture), DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
                for (var column = 2; column <= 7; column++)
                {
                    await copy.WriteAsync(rows.GetString(column), NpgsqlDbType.Text);
                }

                if (rows.IsDBNull(8))
                {
                    await copy.WriteNullAsync();
                }
                else
                {
                    await copy.WriteAsync(rows.GetInt32(8), NpgsqlDbType.Integer);
                }

                for (var column = 9; column <= 11; column++)
                {
                    if (rows.IsDBNull(column))
                    {
                        await copy.WriteNullAsync();
                    }
                    else
                    {
                        await copy.WriteAsync(rows.GetString(column), NpgsqlDbType.Text);
                    }
                }
            }

            await copy.CompleteAsync();
        }

        await using var analyze = new NpgsqlCommand("ANALYZE \"AuditEntries\"", postgres);
        await analyze.ExecuteNonQueryAsync();
    }

    /// <summary>The same city as <see cref="BenchmarkDatabase"/> (one agency, residents, cameras spread over 100 km × 100 km), written by PostgreSQL itself.</summary>
    private static async Task GenerateCamerasAsync(ServiceProvider node)
    {
        await using var db = node.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContext();
        db.Agencies.Add(new Agency { Name = "Benchmark PD", Jurisdiction = "Benchmark County", RequiresReview = false });
        await db.SaveChangesAsync();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        var (latitude, longitude) = (BenchmarkDatabase.CenterLatitude, BenchmarkDatabase.CenterLongitude);
        var (latitudeSpan, longitudeSpan) = (BenchmarkDatabase.LatitudeSpan, BenchmarkDatabase.LongitudeSpan);
        await db.Database.ExecuteSqlRawAsync(string.Create(CultureInfo.InvariantCulture, $"""
            SELECT setseed(0.2026);
            INSERT INTO "AspNetUsers" ("Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "PhoneNumberConfirmed",
                "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount", "DisplayName", "OptedOutOfAllRequests", "EmailAboutRequests", "CreatedAt")
            SELECT gen_random_uuid()::text, 'resident' || i || '@bench.example', 'RESIDENT' || i || '@BENCH.EXAMPLE', 'resident' || i || '@bench.example',
                'RESIDENT' || i || '@BENCH.EXAMPLE', true, false, false, true, 0, 'Resident', random() < 0.02, true, '2026-01-01T00:00:00Z'
            FROM generate_series(1, {FanOutResidents}) AS i;
            WITH owners AS (SELECT array_agg("Id") AS ids FROM "AspNetUsers")
            INSERT INTO "Cameras" ("Id", "OwnerId", "Label", "Latitude", "Longitude", "IsActive", "CreatedAt")
            SELECT gen_random_uuid(), owners.ids[1 + floor(random() * cardinality(owners.ids))::int], 'Camera',
                {latitude} + (random() - 0.5) * {latitudeSpan}, {longitude} + (random() - 0.5) * {longitudeSpan}, random() >= 0.05, '2026-01-01T00:00:00Z'
            FROM generate_series(1, {FanOutCameras}), owners;
            ANALYZE;
            """));
    }
}
