using ConsentDashboard.Data;
using ConsentDashboard.Features.PublicLog;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Audit.Merkle;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Audit;

/// <summary>
/// The stored Merkle tree and the tree heads kept outside the database: what an intruder who also removes the
/// checkpoint rows, or removes only what no checkpoint vouches for, can no longer hide, in the app and in verify-log.
/// </summary>
public sealed class TreeHeadTests : IAsyncLifetime
{
    private readonly TempFolder _witnessFolder = new();
    private AuditWorld _world = null!;
    private string _keyPath = "";

    public async ValueTask InitializeAsync()
    {
        _world = await AuditWorld.CreateAsync(100, settings: new Dictionary<string, string?> { [AuditWitnessFolder.SettingName] = _witnessFolder.Path });
        _keyPath = Path.Combine(_world.DataFolderPath, "public.pem");
        await File.WriteAllTextAsync(_keyPath, _world.Signer.PublicKeyPem);
    }

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        _witnessFolder.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task TheStoredTree_MatchesATreeRecomputedFromTheEntries_AndProvesEveryEntryAndEveryPairOfSizes()
    {
        var entries = await _world.AllEntriesAsync();
        var frontier = new MerkleFrontier();
        var roots = new List<byte[]>();
        foreach (var entry in entries)
        {
            frontier.AppendLeaf(AuditTree.LeafOf(entry.Hash));
            roots.Add(frontier.Root());
        }

        await using var db = _world.Database.CreateDbContext();
        Assert.Equal(100 - System.Numerics.BitOperations.PopCount(100), await db.AuditTreeNodes.CountAsync());
        foreach (var entry in entries)
        {
            var path = await AuditTree.InclusionProofAsync(db, entry.Sequence, 100, CancellationToken.None);
            Assert.True(MerkleTree.VerifyInclusion(entry.Sequence - 1, 100, AuditTree.LeafOf(entry.Hash), path, roots[^1]), $"entry {entry.Sequence}");
        }

        foreach (var (older, newer) in new[] { (1L, 100L), (37L, 64L), (64L, 100L), (99L, 100L), (5L, 5L) })
        {
            var proof = await AuditTree.ConsistencyProofAsync(db, older, newer, CancellationToken.None);
            Assert.True(MerkleTree.VerifyConsistency(older, newer, roots[(int)older - 1], roots[(int)newer - 1], proof), $"{older} to {newer}");
        }
    }

    // Tampers through SQLite (the append-only tree on PostgreSQL: DatabaseProviderTests).
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task ALogWrittenBeforeTheTreeExisted_GetsTheSameTreeBuiltAtStart()
    {
        string root;
        await using (var db = _world.Database.CreateDbContext())
        {
            root = Convert.ToHexStringLower(await AuditTree.RootAsync(db, 100, CancellationToken.None));
            await db.Database.ExecuteSqlRawAsync("""DROP TRIGGER "AuditTreeNodes_RefuseDelete"; DELETE FROM "AuditTreeNodes";""");
        }

        await using var rebuilt = _world.Database.CreateDbContext();
        var added = await AuditTree.CompleteAsync(_world.AuditLog);

        Assert.Equal(100 - System.Numerics.BitOperations.PopCount(100), added);
        Assert.Equal(root, Convert.ToHexStringLower(await AuditTree.RootAsync(rebuilt, 100, CancellationToken.None)));
        Assert.Equal(0, await AuditTree.CompleteAsync(_world.AuditLog));
    }

    // Tampers through SQLite (the append-only tree on PostgreSQL: DatabaseProviderTests).
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task TheTreeIsAppendOnly_InTheDatabaseItself()
    {
        await using var db = _world.Database.CreateDbContext();

        var update = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => db.Database.ExecuteSqlRawAsync("""UPDATE "AuditTreeNodes" SET "Hash" = X'00';"""));
        var delete = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditTreeNodes";"""));

        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
    }

    // Tampers through SQLite (the append-only tree on PostgreSQL: DatabaseProviderTests).
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task TruncationWithTheCheckpointsDeleted_PassesWithoutAWitness_ButFailsAgainstASavedHead()
    {
        var head = SignedTreeHead.From((await _world.Checkpoints.SignHeadAsync())!)!;
        var headFile = Path.Combine(_world.DataFolderPath, "saved-head.json");
        await File.WriteAllTextAsync(headFile, head.ToJson());
        await TamperAsync("""DELETE FROM "AuditEntries" WHERE "Sequence" > 90; DELETE FROM "AuditCheckpoints";""");
        var copy = await CopyDatabaseAsync("truncated.db");

        var unwitnessed = await RunAsync("--database", copy, "--public-key", _keyPath);
        var witnessed = await RunAsync("--database", copy, "--public-key", _keyPath, "--trusted-head", headFile);

        Assert.Equal(0, unwitnessed.ExitCode);
        Assert.Equal(1, witnessed.ExitCode);
        Assert.Contains("First failing entry: 91 (Missing)", witnessed.Output);
        Assert.Contains("entries 91 to 100 were removed", witnessed.Output);
    }

    // Tampers through SQLite (the append-only tree on PostgreSQL: DatabaseProviderTests).
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task TruncationPastTheLastCheckpoint_IsCaughtByTheWitnessFolder_InTheAppAndOffline()
    {
        // The hourly checkpoint covers 60 entries; the auditor's browser was given a head of all 100, which the
        // witness folder also received. The intruder removes what no checkpoint row vouches for.
        await _world.Checkpoints.SignForWitnessAsync();
        await TamperAsync("""DELETE FROM "AuditEntries" WHERE "Sequence" > 60;""");
        await using (var db = _world.Database.CreateDbContext())
        {
            // (Re-created here at 60 so the database holds a valid checkpoint for what remains.)
            var entry = await db.AuditEntries.SingleAsync(e => e.Sequence == 60);
            db.AuditCheckpoints.Add(_world.Signer.Sign(60, entry.Hash, await AuditTree.RootAsync(db, 60, CancellationToken.None), DateTime.UtcNow));
            await db.SaveChangesAsync();
        }

        var copy = await CopyDatabaseAsync("past-checkpoint.db");
        var offline = await RunAsync("--database", copy, "--public-key", _keyPath, "--witness-folder", _witnessFolder.Path);
        var inApp = await _world.Service.VerifyAsync(_world.Auditor);

        Assert.Equal(1, offline.ExitCode);
        Assert.Contains("First failing entry: 61 (Missing)", offline.Output);
        Assert.Equal((61L, AuditFailureKind.Missing), (inApp.FirstFailure!.Value.Sequence, inApp.FirstFailure.Value.Kind));
        Assert.False(inApp.IsValid);
    }

    // Tampers through SQLite (the append-only tree on PostgreSQL: DatabaseProviderTests).
    [Trait("Database", "SqliteOnly")]
    [Fact]
    public async Task TheNewestEntryRewrittenAndRehashed_FailsAgainstTheHeadThatCoveredIt()
    {
        var head = await _world.Checkpoints.SignForWitnessAsync();
        var entry = (await _world.AllEntriesAsync())[^1];
        entry.Subject += "-rewritten";
        await TamperAsync($"""UPDATE "AuditEntries" SET "Subject" = '{entry.Subject}', "Hash" = '{AuditCanonicalEncoding.ComputeHash(entry)}' WHERE "Sequence" = 100;""");

        await using var db = _world.Database.CreateDbContext();
        var report = await AuditIntegrity.VerifyAsync(db, _world.Signer.PublicKeyPem, trusted: [new TrustedHead("a saved file", head)]);

        Assert.True(report.Chain.IsValid);
        Assert.Equal((100L, AuditFailureKind.Edited), (report.FirstFailure!.Value.Sequence, report.FirstFailure.Value.Kind));
        Assert.Contains("no longer have the Merkle root", report.Witnesses.Single().Problem);
    }

    [Fact]
    public async Task AHeadWithAnAlteredSizeOrRoot_DoesNotVerify_AndIsReportedAsSuch()
    {
        var head = await _world.Checkpoints.SignForWitnessAsync();
        var forged = head with { TreeSize = 40 };

        await using var db = _world.Database.CreateDbContext();
        var report = await AuditIntegrity.VerifyAsync(db, _world.Signer.PublicKeyPem, trusted: [new TrustedHead("a saved file", forged)]);

        Assert.True(head.IsSignedBy(_world.Signer.PublicKeyPem));
        Assert.False(report.IsValid);
        Assert.Contains("does not verify with the published key", report.Witnesses.Single().Problem);
    }

    [Fact]
    public async Task EveryHeadSigned_IsAppendedToTheWitnessFolder()
    {
        var stored = await _world.Checkpoints.SignHeadAsync();
        var forBrowser = await _world.Checkpoints.SignForWitnessAsync();

        var (heads, unreadable) = AuditWitnessFolder.Read(_witnessFolder.Path);

        Assert.Equal(0, unreadable);
        Assert.Equal([SignedTreeHead.From(stored!)!, forBrowser], heads);
        Assert.All(heads, h => Assert.True(h.IsSignedBy(_world.Signer.PublicKeyPem)));
    }

    [Fact]
    public async Task PublicConsistencyProofs_VerifyBetweenPublishedHeads_AndNeverBeyondTheNewest()
    {
        var first = SignedTreeHead.From((await _world.Checkpoints.SignHeadAsync())!)!;
        await _world.AuditLog.WriteAsync(async (db, audit, _) =>
        {
            await audit.AppendAsync(AuditActors.System, "request:later", new RequestExpired(_world.Agencies[0].Id, "C-9", DateTime.UtcNow));
        });

        var second = SignedTreeHead.From((await _world.Checkpoints.SignHeadAsync())!)!;
        var log = _world.Database.Get<PublicLogService>();

        var (proof, problem) = await log.ConsistencyAsync(first.TreeSize, second.TreeSize);
        var (beyond, refusal) = await log.ConsistencyAsync(first.TreeSize, second.TreeSize + 1);

        Assert.Null(problem);
        Assert.True(MerkleTree.VerifyConsistency(first.TreeSize, second.TreeSize, first.Root, second.Root, proof!));
        Assert.Null(beyond);
        Assert.Contains("newest published tree head has 101 entries", refusal);
        Assert.Equal([second, first], await log.HeadsAsync(10));
    }

    private async Task TamperAsync(string sql)
    {
        await using var db = _world.Database.CreateDbContext();
        await db.Database.ExecuteSqlRawAsync("""DROP TRIGGER IF EXISTS "AuditEntries_RefuseUpdate"; DROP TRIGGER IF EXISTS "AuditEntries_RefuseDelete";""");
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    private async Task<string> CopyDatabaseAsync(string name)
    {
        var path = Path.Combine(_world.DataFolderPath, name);
        await using var db = _world.Database.CreateDbContext();
        await db.Database.ExecuteSqlAsync($"VACUUM INTO {path}");
        return path;
    }

    private static Task<AppCommand.Result> RunAsync(params string[] arguments) => AppCommand.RunAsync([OfflineVerifier.Command, .. arguments]);
}
