using System.Diagnostics;
using System.Globalization;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.Data.Sqlite;

namespace ConsentDashboard.Benchmarks;

/// <summary>
/// Durable audit appends under concurrency: 1, 4, 16 and 64 writers appending through one <see cref="AuditLog"/>, each
/// waiting for its own entry to be committed, beside SQLite's own floor (the <c>sqlite3</c> shell inserting one row per
/// transaction into the same table, WAL mode, synchronous=FULL) measured in the same run. Run with
/// <c>dotnet run -c Release --project ConsentDashboard.Benchmarks -- append-load</c>.
/// </summary>
/// <remarks>
/// Not a BenchmarkDotNet class: what matters here is the latency each writer sees (p50, p95) under a given concurrency,
/// which BenchmarkDotNet's per-operation mean does not give.
/// </remarks>
public static class AppendLoad
{
    private const int EntriesPerRun = 4_000;

    public static async Task RunAsync()
    {
        var database = await BenchmarkDatabase.OpenAsync(1000, 1000, $"append-load-{Guid.NewGuid():N}");
        try
        {
            var floor = await Sqlite3FloorAsync(database.Path);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sqlite3, one row per transaction (same table and indexes, WAL, synchronous=FULL): {floor:N0} rows/s"));
            Console.WriteLine();
            Console.WriteLine("| writers | entries/s | p50 per append | p95 per append | entries per commit |");
            Console.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
            await using var log = new AuditLog(database, TimeProvider.System);
            await ReportAsync([log], [1, 4, 16, 64]);
        }
        finally
        {
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(database.Path)!, Path.GetFileName(database.Path) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>
    /// Prints one table row per writer count: writers spread evenly over <paramref name="logs"/> (one per app node),
    /// after a short warm-up on each.
    /// </summary>
    internal static async Task ReportAsync(IReadOnlyList<AuditLog> logs, int[] writerCounts)
    {
        await AppendAsync(logs, logs.Count, 200);
        foreach (var writers in writerCounts)
        {
            var commitsBefore = logs.Sum(l => l.Commits);
            var (elapsed, latencies) = await AppendAsync(logs, writers, EntriesPerRun);
            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {writers} | {EntriesPerRun / elapsed.TotalSeconds:N0} | {Percentile(latencies, 0.50):N2} ms | {Percentile(latencies, 0.95):N2} ms | {(double)EntriesPerRun / (logs.Sum(l => l.Commits) - commitsBefore):N1} |"));
        }
    }

    private static async Task<(TimeSpan Elapsed, List<double> LatenciesMs)> AppendAsync(IReadOnlyList<AuditLog> logs, int writers, int entries)
    {
        var latencies = new List<double>[writers];
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(entries / writers);
            var log = logs[w % logs.Count];
            for (var i = 0; i < entries / writers; i++)
            {
                var begun = Stopwatch.GetTimestamp();
                await log.WriteAsync((_, audit, _) => audit.AppendAsync(AuditActors.System, $"request:{Guid.NewGuid()}",
                    new RequestExpired(1, "BENCH", DateTime.UtcNow)));
                mine.Add(Stopwatch.GetElapsedTime(begun).TotalMilliseconds);
            }
        })));
        return (Stopwatch.GetElapsedTime(started), latencies.SelectMany(l => l).ToList());
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>Rows per second the sqlite3 shell commits one per transaction into a copy of the audit table's schema.</summary>
    private static async Task<double> Sqlite3FloorAsync(string appDatabase)
    {
        string schema;
        await using (var connection = new SqliteConnection($"Data Source={appDatabase};Mode=ReadOnly"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT group_concat(sql, ';' || char(10)) FROM sqlite_master WHERE tbl_name = 'AuditEntries' AND type IN ('table', 'index') AND sql IS NOT NULL";
            schema = (string)(await command.ExecuteScalarAsync())!;
        }

        var folder = Path.Combine(Path.GetTempPath(), "consentdashboard-benchmarks");
        var floorDatabase = Path.Combine(folder, $"sqlite3-floor-{Guid.NewGuid():N}.db");
        var script = Path.Combine(folder, $"sqlite3-floor-{Guid.NewGuid():N}.sql");
        const int rows = 2_000;
        try
        {
            await using (var writer = new StreamWriter(script))
            {
                await writer.WriteLineAsync("PRAGMA journal_mode=WAL;");
                await writer.WriteLineAsync("PRAGMA synchronous=FULL;");
                await writer.WriteLineAsync(schema + ";");
                for (var i = 1; i <= rows; i++)
                {
                    var hash = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                    await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $$"""INSERT INTO "AuditEntries" ("Sequence", "Timestamp", "Actor", "Action", "Subject", "Details", "PreviousHash", "Hash") VALUES ({{i}}, '2026-11-30 12:00:00.0000000', 'system', 'RequestExpired', 'request:{{Guid.NewGuid()}}', '{"agencyId":1,"caseNumber":"BENCH"}', '{{hash}}', '{{hash}}');"""));
                }
            }

            var elapsed = await RunSqlite3Async(floorDatabase, script);
            return rows / elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var file in Directory.GetFiles(folder, Path.GetFileName(floorDatabase) + "*").Append(script))
            {
                File.Delete(file);
            }
        }
    }

    private static async Task<TimeSpan> RunSqlite3Async(string database, string script)
    {
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(new ProcessStartInfo("sqlite3", [database, $".read {script}"]) { RedirectStandardOutput = true })!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"sqlite3 exited with {process.ExitCode}.");
        }

        return Stopwatch.GetElapsedTime(started);
    }
}
