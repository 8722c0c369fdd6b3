using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Infrastructure.Audit;

/// <summary>
/// The fast path cuts the log into runs read by several workers at once. Real logs use runs of 16,384 entries; here runs
/// of four entries and three workers put many run boundaries into a small log, so a link or a Merkle root broken at a
/// boundary would show. On the suite's database: SQLite (read in place), or PostgreSQL (binary COPY) in the second pass.
/// </summary>
public sealed class AuditChainWalkTests : IAsyncLifetime
{
    private const int Entries = 70;
    private const int RunLevel = 2;
    private const int Workers = 3;

    // Sizes inside runs, at their ends and at their starts, the whole log, and one beyond it.
    private static readonly long[] Sizes = [1, 3, 4, 5, 8, 9, 33, 64, 65, 69, 70, 71];

    private AuditWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await AuditWorld.CreateAsync(Entries);

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task TamperAsync(string sql, params object[] parameters)
    {
        await using var db = _world.Database.CreateDbContext();
        // What someone who owns the database can do: lift the triggers, then change the log.
        await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql()
            ? """ALTER TABLE "AuditEntries" DISABLE TRIGGER USER"""
            : """DROP TRIGGER IF EXISTS "AuditEntries_RefuseUpdate"; DROP TRIGGER IF EXISTS "AuditEntries_RefuseDelete";""");
        await db.Database.ExecuteSqlRawAsync(sql, parameters);
    }

    private async Task<AuditChainVerifier.FastPathResult> WalkInShortRunsAsync(IReadOnlyCollection<long>? rootsAt = null)
    {
        await using var db = _world.Database.CreateDbContext();
        return await AuditChainVerifier.FastPathAsync(db, null, CancellationToken.None, rootsAt, RunLevel, Workers);
    }

    [Fact]
    public async Task TheSqlTheOfflineCommandUses_IsTheSqlTheModelMapsTheLogTo()
    {
        await using var db = _world.Database.CreateDbContext();

        // verify-log starts without building the model; if a property or table is renamed, this is what fails.
        Assert.Equal(AuditLogTables.From(db.Model), AuditLogTables.AsMapped);
    }

    [Fact]
    public async Task ALogReadInShortRuns_HasTheHeadAndTheMerkleRootsOfTheEntryByEntryWalk()
    {
        var walked = (await WalkInShortRunsAsync(Sizes)).Intact;

        await using var db = _world.Database.CreateDbContext();
        var classified = await AuditFailureClassifier.VerifyAsync(
            db.Database.GetDbConnection(), AuditLogTables.From(db.Model), null, CancellationToken.None, Sizes);
        var head = await db.AuditEntries.SingleAsync(e => e.Sequence == Entries);
        Assert.NotNull(walked);
        Assert.Equal((Entries, Entries, head.Hash), (walked.EntriesChecked, walked.HeadSequence, walked.HeadHash));
        Assert.True(classified.IsValid);
        Assert.Equal(Sizes.Where(s => s <= Entries).Order(), walked.RootsAt!.Keys.Order());
        Assert.All(walked.RootsAt, root => Assert.Equal(classified.RootsAt![root.Key], root.Value));
        // And the roots are the stored tree's, so signed heads check out against them.
        Assert.Equal((await AuditTree.FrontierAsync(db, Entries, head.Hash, CancellationToken.None)).Root(), Convert.FromHexString(walked.RootsAt[Entries]));
    }

    [Fact]
    public async Task AnEntryRehashedAtTheEndOfARun_IsCaughtWhereTheNextRunBegins()
    {
        // Entry 8 ends the second run. Edited and given a matching hash, it checks out on its own; only entry 9, which
        // starts the third run and still links to the old hash, shows the change, when the runs are joined.
        await using (var db = _world.Database.CreateDbContext())
        {
            var entry = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Sequence == 8);
            entry.Subject += "x";
            await TamperAsync("""UPDATE "AuditEntries" SET "Subject" = {0}, "Hash" = {1} WHERE "Sequence" = 8;""", entry.Subject, AuditCanonicalEncoding.ComputeHash(entry));
        }

        var fast = await WalkInShortRunsAsync();

        Assert.Null(fast.Intact);
        Assert.Equal(9L, fast.SuspectSequence);
        await using var check = _world.Database.CreateDbContext();
        Assert.False((await AuditChainVerifier.VerifyAsync(check)).IsValid);
    }

    [Fact]
    public async Task AWholeRunRemoved_IsNamedAsMissingFromItsFirstEntry()
    {
        await TamperAsync("""DELETE FROM "AuditEntries" WHERE "Sequence" BETWEEN 9 AND 12;""");

        var fast = await WalkInShortRunsAsync();

        Assert.Equal(9L, fast.SuspectSequence);
        await using var db = _world.Database.CreateDbContext();
        var result = await AuditChainVerifier.VerifyAsync(db);
        Assert.Equal((9L, AuditFailureKind.Missing), (result.FailedSequence!.Value, result.Failure!.Value));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(Entries)]
    public async Task AnEditAtTheStartOrEndOfARun_IsSuspectedAtThatEntry(long sequence)
    {
        await TamperAsync("""UPDATE "AuditEntries" SET "Actor" = "Actor" || 'x' WHERE "Sequence" = {0};""", sequence);

        var fast = await WalkInShortRunsAsync();

        Assert.Equal(sequence, fast.SuspectSequence);
        await using var db = _world.Database.CreateDbContext();
        var result = await AuditChainVerifier.VerifyAsync(db);
        Assert.Equal((sequence, AuditFailureKind.Edited), (result.FailedSequence!.Value, result.Failure!.Value));
    }

    [Fact]
    public async Task ARowNumberedBelowOne_IsReadAsOneRun_AndNamedAsInserted()
    {
        await TamperAsync("""
            INSERT INTO "AuditEntries" ("Sequence", "Timestamp", "Actor", "Action", "Subject", "Details", "PreviousHash", "Hash")
            SELECT 0, "Timestamp", "Actor", "Action", "Subject", "Details", "PreviousHash", {0} FROM "AuditEntries" WHERE "Sequence" = 1;
            """, new string('a', 64));

        var fast = await WalkInShortRunsAsync();

        Assert.Null(fast.Intact);
        await using var check = _world.Database.CreateDbContext();
        var result = await AuditChainVerifier.VerifyAsync(check);
        Assert.Equal((0L, AuditFailureKind.Inserted), (result.FailedSequence!.Value, result.Failure!.Value));
    }
}
