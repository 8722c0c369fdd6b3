using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// <c>verify-log (--database &lt;path&gt; | --connection &lt;PostgreSQL connection string&gt;) --public-key &lt;path&gt;
/// [--trusted-head &lt;file&gt;]… [--witness-folder &lt;dir&gt;]</c>: checks a copy of a SQLite database, or a PostgreSQL
/// database in a read-only session, without starting the web app, so an auditor need not trust the running server. Trusted
/// heads (saved from the public page or an auditor's browser) and a witness folder catch truncation and rewriting even
/// when every checkpoint row was removed. Exit code 0 when everything holds, 1 when it does not, 2 when the command
/// cannot run.
/// </summary>
public static class OfflineVerifier
{
    public const string Command = "verify-log";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        string? database = null;
        string? connectionString = null;
        string? publicKey = null;
        string? witnessFolder = null;
        var headFiles = new List<string>();
        for (var i = 0; i < args.Length - 1; i++)
        {
            switch (args[i])
            {
                case "--database":
                    database = args[++i];
                    break;
                case "--connection":
                    connectionString = args[++i];
                    break;
                case "--public-key":
                    publicKey = args[++i];
                    break;
                case "--trusted-head":
                    headFiles.Add(args[++i]);
                    break;
                case "--witness-folder":
                    witnessFolder = args[++i];
                    break;
            }
        }

        if ((database is null) == (connectionString is null) || publicKey is null)
        {
            await error.WriteLineAsync(
                $"Usage: ConsentDashboard {Command} (--database <consentdashboard.db> | --connection \"<PostgreSQL connection string>\") "
                + "--public-key <checkpoint-public-key.pem> [--trusted-head <tree-head.json>]... [--witness-folder <folder>]");
            return 2;
        }

        foreach (var path in new[] { database, publicKey }.OfType<string>().Concat(headFiles))
        {
            if (!File.Exists(path))
            {
                await error.WriteLineAsync($"Not found: {path}");
                return 2;
            }
        }

        if (witnessFolder is not null && !Directory.Exists(witnessFolder))
        {
            await error.WriteLineAsync($"Not found: {witnessFolder}");
            return 2;
        }

        var trusted = new List<TrustedHead>();
        foreach (var file in headFiles)
        {
            var heads = TreeHeadFile.Read(await File.ReadAllTextAsync(file));
            if (heads.Count == 0)
            {
                await error.WriteLineAsync($"{file} holds no signed tree head (a JSON object with treeSize, rootHash, timestamp, keyId and signature).");
                return 2;
            }

            trusted.AddRange(heads.Select(h => new TrustedHead($"the file {Path.GetFileName(file)}", h)));
        }

        if (witnessFolder is not null)
        {
            var (heads, unreadable) = AuditWitnessFolder.Read(witnessFolder);
            trusted.AddRange(heads.Select(h => new TrustedHead("the witness folder", h)));
            if (unreadable > 0)
            {
                await output.WriteLineAsync($"Witness folder: {unreadable} line(s) are not tree heads and were skipped.");
            }
        }


        // The verifier's warnings (a slow path taken, a fast-path fault) go to standard error, apart from the result.
        using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        try
        {
            // A plain connection and the log's SQL as the model maps it: building the EF Core model would be most of the
            // command's time on a small log.
            await using var connection = Open(database, connectionString);
            var report = await AuditIntegrity.VerifyAsync(
                connection, AuditLogTables.AsMapped, await File.ReadAllTextAsync(publicKey), logger: loggers.CreateLogger(Command), trusted: trusted);
            await WriteAsync(report, output);
            return report.IsValid ? 0 : 1;
        }
        catch (Exception failure) when (failure is DbException or InvalidOperationException or System.Security.Cryptography.CryptographicException
            or ArgumentException or IOException)
        {
            await error.WriteLineAsync($"Could not verify {database ?? "the PostgreSQL database"}: {failure.Message}");
            return 2;
        }
    }

    /// <summary>A read-only connection: the SQLite file opened read-only, or a PostgreSQL session whose transactions are all read-only.</summary>
    private static DbConnection Open(string? database, string? connectionString)
    {
        if (database is not null)
        {
            return new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        }

        var postgres = new NpgsqlConnectionStringBuilder(connectionString);
        postgres.Options = $"{postgres.Options} -c default_transaction_read_only=on".Trim();
        return new NpgsqlConnection(postgres.ToString());
    }

    private static async Task WriteAsync(IntegrityReport report, TextWriter output)
    {
        var chain = report.Chain;
        if (chain.Unreadable is { } unreadable)
        {
            await output.WriteLineAsync($"Chain: UNREADABLE. {unreadable}");
        }
        else
        {
            await output.WriteLineAsync($"Entries checked: {chain.EntriesChecked:N0} in {chain.Duration.TotalMilliseconds:N0} ms");
            await output.WriteLineAsync(chain.IsValid
                ? $"Chain: intact. Head: entry {chain.HeadSequence}, hash {chain.HeadHash}"
                : $"Chain: BROKEN at entry {chain.FailedSequence} ({chain.Failure}). {chain.Reason}");
        }

        var checkpoint = report.Checkpoint;
        await output.WriteLineAsync(checkpoint switch
        {
            { Problem: { } problem } => $"Checkpoint: FAILED. {problem}",
            { Count: 0 } => "Checkpoint: none in the database, so only trusted heads can rule out removal of the newest entries.",
            _ => $"Checkpoint: entry {checkpoint.Sequence} signed at {checkpoint.SignedAt:yyyy-MM-dd HH:mm:ss} UTC matches the log and the key.",
        });
        foreach (var head in report.Witnesses)
        {
            await output.WriteLineAsync(head switch
            {
                { Problem: { } problem } => $"Trusted head (size {head.TreeSize}): FAILED. {problem}",
                { Checked: false } => $"Trusted head (size {head.TreeSize}) from {head.Source}: not checked, because the chain is broken first.",
                _ => $"Trusted head (size {head.TreeSize}, signed {head.SignedAt:yyyy-MM-dd HH:mm:ss} UTC) from {head.Source}: consistent with the log.",
            });
        }

        if (report.FirstFailure is var (sequence, kind, _))
        {
            await output.WriteLineAsync($"First failing entry: {sequence} ({kind})");
        }

        await output.WriteLineAsync(report.IsValid ? "Result: VALID" : "Result: INVALID");
    }
}

/// <summary>A saved head file: one signed tree head, a JSON array of them, or the public feed's <c>{"heads": [...]}</c>.</summary>
public static class TreeHeadFile
{
    public static IReadOnlyList<SignedTreeHead> Read(string json)
    {
        if (SignedTreeHead.Parse(json) is { } single)
        {
            return [single];
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            var array = document.RootElement.ValueKind switch
            {
                System.Text.Json.JsonValueKind.Array => document.RootElement,
                System.Text.Json.JsonValueKind.Object when document.RootElement.TryGetProperty("heads", out var heads) => heads,
                _ => default,
            };
            return array.ValueKind == System.Text.Json.JsonValueKind.Array
                ? array.EnumerateArray().Select(e => SignedTreeHead.Parse(e.GetRawText())).OfType<SignedTreeHead>().ToList()
                : [];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }
}
