using ConsentDashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// <c>dotnet run --project ConsentDashboard -- verify-log --database &lt;path&gt; --public-key &lt;path&gt;</c>: checks a copy of
/// the database without starting the web app, so an auditor need not trust the running server. Exit code 0 when the
/// chain and the newest checkpoint hold, 1 when they do not, 2 when the command cannot run.
/// </summary>
public static class OfflineVerifier
{
    public const string Command = "verify-log";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        string? database = null;
        string? publicKey = null;
        for (var i = 0; i < args.Length - 1; i++)
        {
            switch (args[i])
            {
                case "--database":
                    database = args[++i];
                    break;
                case "--public-key":
                    publicKey = args[++i];
                    break;
            }
        }

        if (database is null || publicKey is null)
        {
            await error.WriteLineAsync($"Usage: ConsentDashboard {Command} --database <consentdashboard.db> --public-key <checkpoint-public-key.pem>");
            return 2;
        }

        if (!File.Exists(database) || !File.Exists(publicKey))
        {
            await error.WriteLineAsync($"Not found: {(File.Exists(database) ? publicKey : database)}");
            return 2;
        }

        var options = new DbContextOptionsBuilder<ApplicationDbContext>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly }.ToString())
            .Options;
        // The verifier's warnings (a slow path taken, a fast-path fault) go to standard error, apart from the result.
        using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        try
        {
            await using var db = new ApplicationDbContext(options);
            var report = await AuditIntegrity.VerifyAsync(db, await File.ReadAllTextAsync(publicKey), logger: loggers.CreateLogger(Command));
            var chain = report.Chain;
            await output.WriteLineAsync($"Entries checked: {chain.EntriesChecked:N0} in {chain.Duration.TotalMilliseconds:N0} ms");
            if (chain.IsValid)
            {
                await output.WriteLineAsync($"Chain: intact. Head: entry {chain.HeadSequence}, hash {chain.HeadHash}");
            }
            else
            {
                await output.WriteLineAsync($"Chain: BROKEN at entry {chain.FailedSequence} ({chain.Failure}). {chain.Reason}");
            }

            var checkpoint = report.Checkpoint;
            await output.WriteLineAsync(checkpoint switch
            {
                { Count: 0 } => "Checkpoint: none signed yet, so removal of the newest entries cannot be ruled out.",
                { Problem: { } problem } => $"Checkpoint: FAILED. {problem}",
                _ => $"Checkpoint: entry {checkpoint.Sequence} signed at {checkpoint.SignedAt:yyyy-MM-dd HH:mm:ss} UTC matches the log and the key.",
            });
            await output.WriteLineAsync(report.IsValid ? "Result: VALID" : "Result: INVALID");
            return report.IsValid ? 0 : 1;
        }
        catch (Exception failure) when (failure is SqliteException or InvalidOperationException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            await error.WriteLineAsync($"Could not verify {database}: {failure.Message}");
            return 2;
        }
    }
}
