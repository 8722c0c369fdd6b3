using System.Diagnostics;
using System.Globalization;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.EntityFrameworkCore;
using ConsentDashboard.Tests.Support;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Benchmarks;

/// <summary>
/// The whole <c>verify-log</c> command, as an auditor runs it (process start included), on a generated valid chain of
/// the given size, without and with a trusted head to check, beside the <c>sqlite3</c> shell reading the same columns
/// in sequence order, in one run. Prints each one's time and peak resident memory. Run with
/// <c>dotnet run -c Release --project ConsentDashboard.Benchmarks -- verify-command 1000000</c>.
/// </summary>
public static class VerifyCommand
{
    private const int Runs = 3;

    public static async Task RunAsync(int entries)
    {
        var database = await AuditBenchmarkDatabase.OpenAsync(entries);
        var folder = Directory.CreateTempSubdirectory("verify-command-").FullName;
        try
        {
            // A tree head over the whole log, signed as the app signs one: with it the command also recomputes the
            // Merkle root from the entries, as it does for every real log (which has checkpoints).
            using var signer = new AuditCheckpointSigner(new DataFolder(
                Options.Create(new ConsentDashboardOptions { DataFolder = folder }), new FixedEnvironment(folder)));
            var key = Path.Combine(folder, "log-key.pem");
            await File.WriteAllTextAsync(key, signer.PublicKeyPem);
            var trustedHead = Path.Combine(folder, "head.json");
            await using (var db = database.CreateDbContext())
            {
                var head = await db.AuditEntries.OrderByDescending(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).FirstAsync();
                var frontier = await AuditTree.FrontierAsync(db, head.Sequence, head.Hash, CancellationToken.None);
                await File.WriteAllTextAsync(trustedHead, SignedTreeHead.From(signer.Sign(head.Sequence, head.Hash, frontier.Root(), DateTime.UtcNow))!.ToJson());
            }

            var app = Path.Combine(AppContext.BaseDirectory, "ConsentDashboard.dll");
            const string columns = "Sequence, Timestamp, Actor, Action, Subject, Details, PreviousHash, Hash, AgencyId, CaseNumber, LegalBasis, ResidentId";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {entries:N0} entries, best of {Runs} | time | entries/s | peak RSS |"));
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            await ReportAsync("verify-log, whole command", entries, "dotnet", [app, "verify-log", "--database", database.Path, "--public-key", key]);
            await ReportAsync("verify-log with a trusted head at the last entry", entries, "dotnet",
                [app, "verify-log", "--database", database.Path, "--public-key", key, "--trusted-head", trustedHead]);
            // Its rows are written to /dev/null, so the time is reading, not printing.
            await ReportAsync("sqlite3 reading the same columns", entries, "sqlite3", ["-cmd", ".output /dev/null", database.Path, $"SELECT {columns} FROM AuditEntries ORDER BY Sequence"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static async Task ReportAsync(string what, int entries, string program, string[] arguments)
    {
        var best = TimeSpan.MaxValue;
        long peak = 0;
        for (var i = 0; i < Runs; i++)
        {
            var (elapsed, rss) = await TimeAsync(program, arguments);
            if (elapsed < best)
            {
                (best, peak) = (elapsed, rss);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {best.TotalSeconds:N2} s | {entries / best.TotalSeconds:N0} | {peak / 1048576.0:N0} MB |"));
    }

    /// <summary>Runs the program to its end, its output discarded; returns how long it took and its peak resident memory.</summary>
    private static async Task<(TimeSpan Elapsed, long PeakRss)> TimeAsync(string program, string[] arguments)
    {
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        long peak = 0;
        var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var errors = process.StandardError.ReadToEndAsync();
        while (!process.HasExited)
        {
            try
            {
                process.Refresh();
                peak = Math.Max(peak, process.PeakWorkingSet64);
            }
            catch (InvalidOperationException)
            {
                // It ended between the check and the read.
            }

            await Task.Delay(20);
        }

        await output;
        await process.WaitForExitAsync();
        var elapsed = Stopwatch.GetElapsedTime(started);
        return process.ExitCode == 0 ? (elapsed, peak)
            : throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await errors}");
    }
}
