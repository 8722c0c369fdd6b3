using System.Globalization;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Infrastructure.Audit;

/// <summary>
/// What an intruder with the database file can do, 1,200 times at random (seeded, so any failure reproduces): change any
/// column of any row to any value (a flipped character, NULL, a number, binary data, invalid UTF-8, 10 MB, an empty
/// string, upper-case hex), delete, insert, duplicate, swap and renumber rows, edit an entry and re-hash it, truncate the
/// log with its checkpoints, drop or rename the table. Each copy is verified against a tree head kept outside it, as an
/// auditor's browser or the witness folder keeps one: every tampering must be named at its exact entry and kind, or the
/// log reported unreadable, and nothing may throw.
/// </summary>
// Tampers with in-memory SQLite copies of the log.
[Trait("Database", "SqliteOnly")]
public sealed class AuditTamperingFuzzTests : IAsyncLifetime
{
    private const int Entries = 80;
    private const int Tamperings = 1200;

    private static readonly string[] TextColumns = ["Timestamp", "Actor", "Action", "Subject", "Details", "PreviousHash", "Hash", "CaseNumber", "LegalBasis", "ResidentId"];

    private AuditWorld _world = null!;
    private SqliteConnection _base = null!;
    private TrustedHead _witness = null!;
    private List<AuditEntry> _entries = null!;

    public async ValueTask InitializeAsync()
    {
        _world = await AuditWorld.CreateAsync(Entries, seed: 4242);
        var checkpoint = await _world.Checkpoints.SignHeadAsync();
        _witness = new TrustedHead("the witness folder", SignedTreeHead.From(checkpoint!)!);
        _entries = await _world.AllEntriesAsync();
        _base = new SqliteConnection("Data Source=:memory:");
        await _base.OpenAsync();
        await using var source = new SqliteConnection(_world.Database.ConnectionString);
        await source.OpenAsync();
        source.BackupDatabase(_base);
        // What an intruder does first: rebuild the log table without its NOT NULL constraints, triggers and indexes,
        // so that any value at all can be stored in any column.
        await ExecuteAsync(_base, """
            CREATE TABLE "Loose" ("Sequence" INTEGER PRIMARY KEY, "Timestamp" TEXT, "Actor" TEXT, "Action" TEXT, "Subject" TEXT, "Details" TEXT,
                "PreviousHash" TEXT, "Hash" TEXT, "AgencyId" INTEGER, "CaseNumber" TEXT, "LegalBasis" TEXT, "ResidentId" TEXT);
            INSERT INTO "Loose" SELECT "Sequence", "Timestamp", "Actor", "Action", "Subject", "Details", "PreviousHash", "Hash", "AgencyId",
                "CaseNumber", "LegalBasis", "ResidentId" FROM "AuditEntries";
            DROP TABLE "AuditEntries";
            ALTER TABLE "Loose" RENAME TO "AuditEntries";
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await _base.DisposeAsync();
        _world.Dispose();
    }

    [Fact]
    public async Task EveryRandomTampering_IsNamedAtItsExactEntryAndKind_AndNoneCrashesTheVerifier()
    {
        var random = new Random(20261130);
        var outcomes = new List<string>();
        var kinds = new Dictionary<string, int>();
        var crashes = 0;
        for (var i = 0; i < Tamperings; i++)
        {
            await using var copy = new SqliteConnection("Data Source=:memory:");
            await copy.OpenAsync();
            _base.BackupDatabase(copy);
            var tampering = await TamperAsync(copy, random);
            kinds[tampering.Name] = kinds.GetValueOrDefault(tampering.Name) + 1;
            try
            {
                var options = new DbContextOptionsBuilder<ApplicationDbContext>().UseSqlite(copy).Options;
                await using var db = new ApplicationDbContext(options);
                var report = await AuditIntegrity.VerifyAsync(db, _world.Signer.PublicKeyPem, trusted: [_witness]);
                var found = report.Chain.Unreadable is not null ? "unreadable" : report.FirstFailure is var (sequence, kind, _) ? $"{sequence} {kind}" : "nothing";
                if (report.IsValid || found != tampering.Expected)
                {
                    outcomes.Add($"#{i} {tampering.What}: expected {tampering.Expected}, found {found}{(report.IsValid ? " (VALID)" : "")}");
                }
            }
            catch (Exception crash)
            {
                crashes++;
                outcomes.Add($"#{i} {tampering.What}: CRASHED with {crash.GetType().Name}: {crash.Message}");
            }
        }

        Assert.True(outcomes.Count == 0, $"{outcomes.Count} of {Tamperings} tamperings were not named exactly ({crashes} crashes):\n{string.Join("\n", outcomes.Take(25))}");
        Assert.All(["edit", "delete", "truncate", "swap", "renumber", "insert", "duplicate", "rehash", "table"], name => Assert.True(kinds.GetValueOrDefault(name) > 0, name));
    }

    private sealed record Tampering(string Name, string What, string Expected);

    private async Task<Tampering> TamperAsync(SqliteConnection db, Random random)
    {
        var n = Entries;
        switch (random.Next(100))
        {
            case < 55:
                return await EditColumnAsync(db, random);
            case < 62:
            {
                var k = random.Next(1, n + 1);
                await ExecuteAsync(db, $"""DELETE FROM "AuditEntries" WHERE "Sequence" = {k};""");
                return new("delete", $"delete entry {k}", $"{k} Missing");
            }
            case < 67:
            {
                var k = random.Next(2, n + 1);
                await ExecuteAsync(db, $"""DELETE FROM "AuditEntries" WHERE "Sequence" >= {k}; DELETE FROM "AuditCheckpoints";""");
                return new("truncate", $"truncate from entry {k} and delete the checkpoints", $"{k} Missing");
            }
            case < 74:
            {
                var j = random.Next(1, n);
                var k = Math.Min(n, j + random.Next(1, 20));
                await ExecuteAsync(db, $"""
                    UPDATE "AuditEntries" SET "Sequence" = -1 WHERE "Sequence" = {j};
                    UPDATE "AuditEntries" SET "Sequence" = {j} WHERE "Sequence" = {k};
                    UPDATE "AuditEntries" SET "Sequence" = {k} WHERE "Sequence" = -1;
                    """);
                return new("swap", $"swap entries {j} and {k}", $"{j} Reordered");
            }
            case < 79:
            {
                var k = random.Next(1, n);
                await ExecuteAsync(db, $"""
                    DELETE FROM "AuditEntries" WHERE "Sequence" = {k};
                    UPDATE "AuditEntries" SET "Sequence" = -"Sequence" WHERE "Sequence" > {k};
                    UPDATE "AuditEntries" SET "Sequence" = -"Sequence" - 1 WHERE "Sequence" < 0;
                    """);
                return new("renumber", $"delete entry {k} and renumber the rest down", $"{k} Missing");
            }
            case < 86:
            {
                var k = random.Next(1, n + 1);
                var wellHashed = random.Next(2) == 0;
                var forged = new AuditEntry
                {
                    Sequence = k, Timestamp = new DateTime(2026, 5, 5, 5, 5, 5, DateTimeKind.Utc), Actor = "user:forger", Action = nameof(RequestExpired),
                    Subject = "request:forged", Details = "{}", PreviousHash = k == 1 ? AuditCanonicalEncoding.GenesisHash : _entries[k - 2].Hash,
                };
                forged.Hash = wellHashed ? AuditCanonicalEncoding.ComputeHash(forged) : new string('7', 64);
                await ExecuteAsync(db, $"""
                    UPDATE "AuditEntries" SET "Sequence" = -"Sequence" WHERE "Sequence" >= {k};
                    UPDATE "AuditEntries" SET "Sequence" = -"Sequence" + 1 WHERE "Sequence" < 0;
                    INSERT INTO "AuditEntries" ("Sequence", "Timestamp", "Actor", "Action", "Subject", "Details", "PreviousHash", "Hash")
                    VALUES ({k}, '2026-05-05 05:05:05', '{forged.Actor}', '{forged.Action}', '{forged.Subject}', '{forged.Details}', '{forged.PreviousHash}', '{forged.Hash}');
                    """);
                return new("insert", $"insert a {(wellHashed ? "well" : "badly")} hashed entry at {k}", $"{k} Inserted");
            }
            case < 90:
            {
                var j = random.Next(1, n + 1);
                await ExecuteAsync(db, $"""
                    INSERT INTO "AuditEntries" ("Sequence", "Timestamp", "Actor", "Action", "Subject", "Details", "PreviousHash", "Hash", "AgencyId", "CaseNumber", "LegalBasis", "ResidentId")
                    SELECT {n + 1}, "Timestamp", "Actor", "Action", "Subject", "Details", "PreviousHash", "Hash", "AgencyId", "CaseNumber", "LegalBasis", "ResidentId"
                    FROM "AuditEntries" WHERE "Sequence" = {j};
                    """);
                return new("duplicate", $"copy entry {j} to the end", $"{n + 1} Inserted");
            }
            case < 97:
            {
                var k = random.Next(1, n + 1);
                var entry = _entries[k - 1];
                var edited = new AuditEntry
                {
                    Sequence = k, Timestamp = entry.Timestamp, Actor = entry.Actor, Action = entry.Action, Subject = entry.Subject + "-edited",
                    Details = entry.Details, PreviousHash = entry.PreviousHash,
                };
                var hash = AuditCanonicalEncoding.ComputeHash(edited);
                await ExecuteAsync(db, $"""UPDATE "AuditEntries" SET "Subject" = '{edited.Subject}', "Hash" = '{hash}' WHERE "Sequence" = {k};""");
                return new("rehash", $"edit entry {k} and re-hash it", $"{k} Edited");
            }
            default:
                await ExecuteAsync(db, random.Next(2) == 0 ? """DROP TABLE "AuditEntries";""" : """ALTER TABLE "AuditEntries" RENAME TO "Hidden";""");
                return new("table", "drop or rename the log table", "unreadable");
        }
    }

    private static async Task<Tampering> EditColumnAsync(SqliteConnection db, Random random)
    {
        while (true)
        {
            var k = random.Next(1, Entries + 1);
            var column = random.Next(11) == 10 ? "AgencyId" : TextColumns[random.Next(TextColumns.Length)];
            var (expression, what) = random.Next(100) switch
            {
                < 40 => ($"substr(\"{column}\", 1, {{0}}) || char(unicode(substr(\"{column}\", {{0}} + 1, 1)) + 1) || substr(\"{column}\", {{0}} + 2)", "flip one character of"),
                < 50 => ("NULL", "set NULL in"),
                < 58 => ("42", "write the number 42 into"),
                < 64 => ("3.5", "write 3.5 into"),
                < 72 => ($"CAST(\"{column}\" AS BLOB)", "store as binary the same bytes of"),
                < 80 => ($"CAST(CAST(\"{column}\" AS BLOB) || X'FF' AS TEXT)", "append an invalid UTF-8 byte to"),
                < 86 => ("''", "empty"),
                < 92 => ($"upper(\"{column}\")", "upper-case"),
                < 94 => ("printf('%.*c', 10485760, 'x')", "write 10 MB into"),
                _ => ($"\"{column}\" || ' '", "append a space to"),
            };
            var length = await ScalarAsync<long?>(db, $"""SELECT length("{column}") FROM "AuditEntries" WHERE "Sequence" = {k};""") ?? 0;
            expression = string.Format(CultureInfo.InvariantCulture, expression, length == 0 ? 0 : random.Next((int)length));
            var before = await ScalarAsync<string>(db, $"""SELECT quote("{column}") FROM "AuditEntries" WHERE "Sequence" = {k};""");
            await ExecuteAsync(db, $"""UPDATE "AuditEntries" SET "{column}" = {expression} WHERE "Sequence" = {k};""");
            var after = await ScalarAsync<string>(db, $"""SELECT quote("{column}") FROM "AuditEntries" WHERE "Sequence" = {k};""");
            if (before != after)
            {
                return new("edit", $"{what} {column} of entry {k}", $"{k} Edited");
            }
        }
    }

    private static async Task ExecuteAsync(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }
}
