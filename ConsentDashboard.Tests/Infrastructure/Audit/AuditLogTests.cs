using System.Globalization;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ConsentDashboard.Tests.Infrastructure.Audit;

public sealed class AuditLogTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 9, 30, 0, TimeSpan.Zero));
    private TestApp _database = null!;
    private AuditLog _log = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestApp.CreateAsync(_time);
        _log = _database.Get<AuditLog>();
    }

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task AppendEntriesAsync(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            var n = i;
            await _log.WriteAsync((_, audit, _) => audit.AppendAsync("user:test", $"clip:{n}", new LogViewed($"test {n}", "sequence")));
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private async Task<AuditVerificationResult> VerifyAsync()
    {
        await using var db = _database.CreateDbContext();
        return await AuditChainVerifier.VerifyAsync(db);
    }

    /// <summary>Tampering happens outside the app, the way an attacker with the file would: triggers dropped first.</summary>
    private async Task TamperAsync(params string[] statements)
    {
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[] { """DROP TRIGGER "AuditEntries_RefuseUpdate";""", """DROP TRIGGER "AuditEntries_RefuseDelete";""" }.Concat(statements))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Verify_UntouchedChain_IsValidWithHeadAtLastEntry()
    {
        await AppendEntriesAsync(10);

        var result = await VerifyAsync();

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(10, result.EntriesChecked);
        Assert.Equal(10, result.HeadSequence);
        await using var db = _database.CreateDbContext();
        Assert.Equal((await db.AuditEntries.SingleAsync(e => e.Sequence == 10)).Hash, result.HeadHash);
    }

    [Fact]
    public async Task Append_ChainsEachEntryToThePreviousHash()
    {
        await AppendEntriesAsync(3);

        await using var db = _database.CreateDbContext();
        var entries = await db.AuditEntries.OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(AuditCanonicalEncoding.GenesisHash, entries[0].PreviousHash);
        Assert.Equal(entries[0].Hash, entries[1].PreviousHash);
        Assert.Equal(entries[1].Hash, entries[2].PreviousHash);
        Assert.All(entries, e => Assert.Equal(AuditCanonicalEncoding.ComputeHash(e), e.Hash));
        Assert.Equal("""{"filter":"test 2","sort":"sequence"}""", entries[1].Details);
    }

    // Tampers through SQLite (the append-only log on PostgreSQL: DatabaseProviderTests).
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task Verify_EditedEntry_NamesThatEntryAsEdited()
    {
        await AppendEntriesAsync(10);
        await TamperAsync("""UPDATE "AuditEntries" SET "Details" = '{"number":999}' WHERE "Sequence" = 5;""");

        var result = await VerifyAsync();

        Assert.False(result.IsValid);
        Assert.Equal(5, result.FailedSequence);
        Assert.Equal(AuditFailureKind.Edited, result.Failure);
        Assert.Equal(4, result.EntriesChecked);
    }

    // Tampers through SQLite (the append-only log on PostgreSQL: DatabaseProviderTests).
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task Verify_EditedAndRehashedEntry_NamesThatEntryAsEdited()
    {
        await AppendEntriesAsync(10);
        await using (var db = _database.CreateDbContext())
        {
            var entry = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Sequence == 5);
            entry.Actor = "user:someone-else";
            var forgedHash = AuditCanonicalEncoding.ComputeHash(entry);
            await TamperAsync($"""UPDATE "AuditEntries" SET "Actor" = 'user:someone-else', "Hash" = '{forgedHash}' WHERE "Sequence" = 5;""");
        }

        var result = await VerifyAsync();

        Assert.Equal(5, result.FailedSequence);
        Assert.Equal(AuditFailureKind.Edited, result.Failure);
    }

    // Tampers through SQLite (the append-only log on PostgreSQL: DatabaseProviderTests).
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task Verify_DeletedEntry_NamesItAsMissing()
    {
        await AppendEntriesAsync(10);
        await TamperAsync("""DELETE FROM "AuditEntries" WHERE "Sequence" = 5;""");

        var result = await VerifyAsync();

        Assert.Equal(5, result.FailedSequence);
        Assert.Equal(AuditFailureKind.Missing, result.Failure);
    }

    // Tampers through SQLite (the append-only log on PostgreSQL: DatabaseProviderTests).
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task Verify_DeletedEntryWithLaterEntriesRenumbered_NamesItAsMissing()
    {
        await AppendEntriesAsync(10);
        await TamperAsync(
            """DELETE FROM "AuditEntries" WHERE "Sequence" = 5;""",
            """UPDATE "AuditEntries" SET "Sequence" = -"Sequence" WHERE "Sequence" > 5;""",
            """UPDATE "AuditEntries" SET "Sequence" = -"Sequence" - 1 WHERE "Sequence" < 0;""");

        var result = await VerifyAsync();

        Assert.Equal(5, result.FailedSequence);
        Assert.Equal(AuditFailureKind.Missing, result.Failure);
    }

    // Tampers through SQLite (the append-only log on PostgreSQL: DatabaseProviderTests).
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task Verify_EntryInsertedIntoTheMiddle_NamesTheInsertedEntry()
    {
        await AppendEntriesAsync(10);
        string previousHash;
        await using (var db = _database.CreateDbContext())
        {
            previousHash = (await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Sequence == 4)).Hash;
        }

        // A forger who chains the new entry correctly to entry 4 and shifts the rest up.
        var forged = new AuditEntry
        {
            Sequence = 5,
            Timestamp = AuditCanonicalEncoding.Normalise(_time.GetUtcNow().UtcDateTime),
            Actor = "user:forger",
            Action = nameof(DisclosureRevoked),
            Subject = "disclosure:forged",
            Details = "{}",
            PreviousHash = previousHash,
        };
        forged.Hash = AuditCanonicalEncoding.ComputeHash(forged);
        await TamperAsync(
            """UPDATE "AuditEntries" SET "Sequence" = -"Sequence" WHERE "Sequence" >= 5;""",
            """UPDATE "AuditEntries" SET "Sequence" = -"Sequence" + 1 WHERE "Sequence" < 0;""",
            $"""
            INSERT INTO "AuditEntries" ("Sequence", "Timestamp", "Actor", "Action", "Subject", "Details", "PreviousHash", "Hash")
            VALUES (5, '{forged.Timestamp:yyyy-MM-dd HH:mm:ss.ffffff}', '{forged.Actor}', '{forged.Action}', '{forged.Subject}', '{forged.Details}', '{forged.PreviousHash}', '{forged.Hash}');
            """);

        var result = await VerifyAsync();

        Assert.Equal(5, result.FailedSequence);
        Assert.Equal(AuditFailureKind.Inserted, result.Failure);
    }

    // Tampers through SQLite (the append-only log on PostgreSQL: DatabaseProviderTests).
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task Verify_TwoEntriesSwapped_NamesTheFirstAsReordered()
    {
        await AppendEntriesAsync(10);
        await TamperAsync(
            """UPDATE "AuditEntries" SET "Sequence" = -1 WHERE "Sequence" = 5;""",
            """UPDATE "AuditEntries" SET "Sequence" = 5 WHERE "Sequence" = 6;""",
            """UPDATE "AuditEntries" SET "Sequence" = 6 WHERE "Sequence" = -1;""");

        var result = await VerifyAsync();

        Assert.Equal(5, result.FailedSequence);
        Assert.Equal(AuditFailureKind.Reordered, result.Failure);
    }

    [Fact]
    public async Task Append_FiftyConcurrentWriters_GiveFiftyConsecutiveSequencesAndAValidChain()
    {
        // Two log instances stand for two app processes: only the database's write lock keeps them in line.
        await using var otherProcess = new AuditLog(_database, _time);
        var appends = Enumerable.Range(1, 50).Select(i => Task.Run(() =>
            (i % 2 == 0 ? _log : otherProcess).WriteAsync((_, audit, _) => audit.AppendAsync("user:test", $"clip:{i}", new LogViewed($"test {i}", "sequence")))));

        await Task.WhenAll(appends);

        await using var check = _database.CreateDbContext();
        var sequences = await check.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), sequences);
        var result = await VerifyAsync();
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(50, result.EntriesChecked);
    }

    /// <summary>Holds the writer inside a first unit until released, so the units queued meanwhile go into one commit.</summary>
    private async Task<(Task First, TaskCompletionSource Release)> HoldTheWriterAsync()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _log.WriteAsync(async (_, audit, _) =>
        {
            started.SetResult();
            await release.Task;
            await audit.AppendAsync("user:test", "clip:first", new LogViewed("first", "sequence"));
        });
        await started.Task;
        return (first, release);
    }

    [Fact]
    public async Task Append_UnitsWaitingTogether_CommitTogether_InTheOrderTheyCame()
    {
        var (first, release) = await HoldTheWriterAsync();
        var commitsBefore = _log.Commits;
        var waiting = Enumerable.Range(1, 20)
            .Select(i => _log.WriteAsync((_, audit, _) => audit.AppendAsync("user:test", $"clip:{i}", new LogViewed($"test {i}", "sequence"))))
            .ToList();

        release.SetResult();
        await first;
        var entries = await Task.WhenAll(waiting);

        // One commit for the held unit, one for the twenty that queued behind it.
        Assert.Equal(commitsBefore + 2, _log.Commits);
        Assert.Equal(Enumerable.Range(2, 20).Select(i => (long)i), entries.Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"clip:{i}"), entries.Select(e => e.Subject));
        var result = await VerifyAsync();
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(21, result.EntriesChecked);
    }

    [Fact]
    public async Task Append_AUnitThatFails_RollsBackAlone_AndTheOthersInItsCommitStay()
    {
        var (first, release) = await HoldTheWriterAsync();
        Task<AuditEntry> Agency(string name, bool fail) => _log.WriteAsync(async (db, audit, _) =>
        {
            db.Agencies.Add(new Agency { Name = name, Jurisdiction = "Larkspur Bay", RequiresReview = false });
            // Written into the shared transaction before failing: only its savepoint can take it back.
            await db.SaveChangesAsync();
            var entry = await audit.AppendAsync("user:test", $"agency:{name}", new LogExported(name, "csv"));
            return fail ? throw new InvalidOperationException("the unit broke") : entry;
        });
        var before = Agency("Before PD", fail: false);
        var failing = Agency("Failing PD", fail: true);
        var after = Agency("After PD", fail: false);

        release.SetResult();
        await first;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("the unit broke", error.Message);
        Assert.Equal((2L, 3L), ((await before).Sequence, (await after).Sequence));
        await using var check = _database.CreateDbContext();
        Assert.Equal(["After PD", "Before PD"], await check.Agencies.Select(a => a.Name).OrderBy(n => n).ToListAsync());
        Assert.Equal(["clip:first", "agency:Before PD", "agency:After PD"], await check.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Subject).ToListAsync());
        var result = await VerifyAsync();
        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public async Task Append_AUnitThatThrows_StoresNeitherTheChangeNorTheEntry()
    {
        var error = await Assert.ThrowsAsync<ActionRefusedException>(() => _log.WriteAsync(async (db, audit, _) =>
        {
            db.Agencies.Add(new Agency { Name = "Rolled Back PD", Jurisdiction = "Nowhere", RequiresReview = false });
            await audit.AppendAsync("user:test", "agency:new", new LogExported("none", "csv"));
            throw new ActionRefusedException("Refused halfway.");
        }));

        Assert.Equal("Refused halfway.", error.Message);
        await using var check = _database.CreateDbContext();
        Assert.Equal(0, await check.AuditEntries.CountAsync());
        Assert.Equal(0, await check.Agencies.CountAsync());
    }

    [Fact]
    public async Task Append_EachUnitRunsInItsCallersLanguage_EvenInOneCommit()
    {
        var (first, release) = await HoldTheWriterAsync();
        Task<string> LanguageOf(string culture)
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            return _log.WriteAsync((_, _, _) => Task.FromResult(CultureInfo.CurrentUICulture.Name));
        }

        var spanish = LanguageOf("es");
        var english = LanguageOf("en");
        release.SetResult();
        await first;

        Assert.Equal(("es", "en"), (await spanish, await english));
    }

    [Fact]
    public async Task Append_AUnitCannotStartAnother()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _log.WriteAsync((_, _, _) =>
            _log.WriteAsync((_, audit, _) => audit.AppendAsync("user:test", "clip:nested", new LogViewed("nested", "sequence")))));

        Assert.Contains("cannot start another", error.Message);
        await using var check = _database.CreateDbContext();
        Assert.Equal(0, await check.AuditEntries.CountAsync());
    }

    // Tampers through SQLite (the append-only log on PostgreSQL: DatabaseProviderTests).
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task Database_RefusesUpdateOfAnAuditEntry()
    {
        await AppendEntriesAsync(2);
        await using var db = _database.CreateDbContext();

        var error = await Assert.ThrowsAsync<SqliteException>(() =>
            db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "Actor" = 'user:x' WHERE "Sequence" = 1;"""));

        Assert.Contains("append-only", error.Message);
        Assert.Equal("user:test", (await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Sequence == 1)).Actor);
    }

    // Tampers through SQLite (the append-only log on PostgreSQL: DatabaseProviderTests).
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task Database_RefusesDeleteOfAnAuditEntry()
    {
        await AppendEntriesAsync(2);
        await using var db = _database.CreateDbContext();

        var error = await Assert.ThrowsAsync<SqliteException>(() =>
            db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEntries" WHERE "Sequence" = 2;"""));

        Assert.Contains("append-only", error.Message);
        Assert.Equal(2, await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task Database_RefusesUpdateThroughEfCore()
    {
        await AppendEntriesAsync(1);
        await using var db = _database.CreateDbContext();
        var entry = await db.AuditEntries.SingleAsync();
        entry.Details = """{"number":42}""";

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }
}
