using System.Diagnostics;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Audit;

/// <summary>
/// The checks that need a signed checkpoint, in the app and through the offline command line, on the suite's database:
/// <c>verify-log --database</c> on a copy of a SQLite file, <c>verify-log --connection</c> on PostgreSQL.
/// </summary>
public sealed class AuditIntegrityTests : IAsyncLifetime
{
    private AuditWorld _world = null!;

    public async ValueTask InitializeAsync()
    {
        _world = await AuditWorld.CreateAsync(120);
        await _world.Checkpoints.SignHeadAsync();
    }

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task TamperAsync(string sql)
    {
        await using var db = _world.Database.CreateDbContext();
        // What someone who owns the database can do: lift the triggers, then change the log.
        await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql()
            ? """ALTER TABLE "AuditEntries" DISABLE TRIGGER USER"""
            : """DROP TRIGGER IF EXISTS "AuditEntries_RefuseUpdate"; DROP TRIGGER IF EXISTS "AuditEntries_RefuseDelete";""");
        await db.Database.ExecuteSqlRawAsync(sql.Replace("char(", OnPostgreSql ? "chr(" : "char(", StringComparison.Ordinal));
    }

    private bool OnPostgreSql => _world.Database.Configuration["ConsentDashboard:Database:Provider"] == "PostgreSQL";

    /// <summary>The arguments that point <c>verify-log</c> at the log as it is now: a consistent copy of the SQLite file, or the PostgreSQL database.</summary>
    private async Task<string[]> OfflineSourceAsync(string name)
    {
        if (OnPostgreSql)
        {
            return ["--connection", _world.Database.ConnectionString];
        }

        var path = Path.Combine(_world.DataFolderPath, name);
        await using var db = _world.Database.CreateDbContext();
        // VACUUM INTO writes a consistent single-file copy, as an auditor would be handed.
        await db.Database.ExecuteSqlAsync($"VACUUM INTO {path}");
        return ["--database", path];
    }

    private async Task<IntegrityReport> VerifyAsync()
    {
        await using var db = _world.Database.CreateDbContext();
        return await AuditIntegrity.VerifyAsync(db, _world.Signer.PublicKeyPem);
    }

    [Fact]
    public async Task ACleanLog_VerifiesAgainstItsCheckpoint()
    {
        var report = await VerifyAsync();

        Assert.True(report.IsValid);
        Assert.Equal((1, 120L), (report.Checkpoint.Count, report.Checkpoint.Sequence!.Value));
    }

    [Fact]
    public async Task TheFastPath_AcceptsAnIntactLog_AndHandsAnyChangeToTheClassifyingPath()
    {
        await using (var db = _world.Database.CreateDbContext())
        {
            var intact = (await AuditChainVerifier.FastPathAsync(db, null, CancellationToken.None)).Intact;
            Assert.Equal((120L, (await db.AuditEntries.SingleAsync(e => e.Sequence == 120)).Hash), (intact!.EntriesChecked, intact.HeadHash));
        }

        await TamperAsync("""UPDATE "AuditEntries" SET "Subject" = "Subject" || 'x' WHERE "Sequence" = 64;""");

        await using var after = _world.Database.CreateDbContext();
        var fast = await AuditChainVerifier.FastPathAsync(after, null, CancellationToken.None);
        Assert.Equal((null, 64L), (fast.Intact, fast.SuspectSequence));
        Assert.Equal(64L, (await AuditChainVerifier.VerifyAsync(after)).FailedSequence);
    }

    [Fact]
    [Trait("Database", "SqliteOnly")] // PostgreSQL stores a typed time: there is no other form to write it in.
    public async Task ATimestampRewrittenInAnEquivalentForm_IsStillAChangeToTheStoredRow_AndBothPathsNameIt()
    {
        // The same instant written with a 'T' instead of a space: EF Core would read the same time, but the stored bytes
        // are not what the app wrote. Any change to a row is a change, so both the fast path and the full check name it.
        await TamperAsync("""UPDATE "AuditEntries" SET "Timestamp" = replace("Timestamp", ' ', 'T') WHERE "Sequence" = 30;""");
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger();

        await using var db = _world.Database.CreateDbContext();
        var fast = await AuditChainVerifier.FastPathAsync(db, null, CancellationToken.None);
        var result = await AuditChainVerifier.VerifyAsync(db, logger: logger);

        Assert.Equal(30L, fast.SuspectSequence);
        Assert.Equal((30L, AuditFailureKind.Edited), (result.FailedSequence!.Value, result.Failure!.Value));
        Assert.Contains("time is not stored in the form the app writes", result.Reason);
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task RemovingTheNewestEntries_LeavesAValidChain_ButTheCheckpointCatchesIt()
    {
        await TamperAsync("""DELETE FROM "AuditEntries" WHERE "Sequence" > 110;""");

        var report = await VerifyAsync();

        Assert.True(report.Chain.IsValid, "Without the checkpoint the shortened chain looks intact; that is why checkpoints exist.");
        Assert.False(report.IsValid);
        Assert.Contains("ends at entry 110", report.Checkpoint.Problem);
        Assert.Contains("entries 111 to 120 were removed", report.Checkpoint.Problem);
    }

    [Fact]
    public async Task ACheckpointWithABadSignature_IsReported()
    {
        await using (var db = _world.Database.CreateDbContext())
        {
            // Claim a later head than was signed.
            await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditCheckpoints" SET "Sequence" = "Sequence" + 5;""");
        }

        var report = await VerifyAsync();

        Assert.False(report.IsValid);
        Assert.Contains("does not verify with the published key", report.Checkpoint.Problem);
    }

    [Fact]
    public async Task ACheckpointFromAnotherKey_IsReported()
    {
        using var otherFolder = new TempFolder();
        using var otherSigner = new AuditCheckpointSigner(new ConsentDashboard.Infrastructure.DataFolder(
            Microsoft.Extensions.Options.Options.Create(new ConsentDashboard.Infrastructure.ConsentDashboardOptions { DataFolder = otherFolder.Path }),
            new FixedEnvironment(otherFolder.Path)));

        await using var db = _world.Database.CreateDbContext();
        var report = await AuditIntegrity.VerifyAsync(db, otherSigner.PublicKeyPem);

        Assert.False(report.IsValid);
        Assert.Contains("does not verify with the published key", report.Checkpoint.Problem);
    }

    [Fact]
    public async Task ChangingAFilterColumn_IsNamedAsAnEdit_EvenThoughTheHashedFieldsAreUntouched()
    {
        await TamperAsync("""UPDATE "AuditEntries" SET "CaseNumber" = 'C-9' WHERE "Sequence" = 37 AND "CaseNumber" IS NOT NULL;""");
        await using (var db = _world.Database.CreateDbContext())
        {
            Assume(await db.AuditEntries.AnyAsync(e => e.Sequence == 37 && e.CaseNumber == "C-9"));
        }

        var report = await VerifyAsync();

        Assert.Equal((37L, AuditFailureKind.Edited), (report.Chain.FailedSequence!.Value, report.Chain.Failure!.Value));
        Assert.Contains("filter columns", report.Chain.Reason);
    }

    private static void Assume(bool condition) => Assert.True(condition, "The generated log should have a case number on entry 37.");

    [Fact]
    public async Task OfflineCommand_ExitsZeroOnACleanCopy_AndNonZeroOnATamperedOne()
    {
        var keyPath = Path.Combine(_world.DataFolderPath, "public.pem");
        await File.WriteAllTextAsync(keyPath, _world.Signer.PublicKeyPem);
        var source = await OfflineSourceAsync("clean.db");

        var clean = await RunVerifyLogAsync([.. source, "--public-key", keyPath]);

        Assert.Equal(0, clean.ExitCode);
        Assert.Contains("Result: VALID", clean.Output);
        Assert.Contains("Head: entry 120", clean.Output);

        await TamperAsync("""UPDATE "AuditEntries" SET "Details" = replace("Details", '"notified":', '"notified":1') WHERE "Action" = 'RequestCreated';""");
        var tamperedSource = await OfflineSourceAsync("tampered.db");
        await using var db = _world.Database.CreateDbContext();
        var firstEdited = await db.AuditEntries.Where(e => e.Action == "RequestCreated").MinAsync(e => e.Sequence);

        var tampered = await RunVerifyLogAsync([.. tamperedSource, "--public-key", keyPath]);

        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains($"BROKEN at entry {firstEdited} (Edited)", tampered.Output);
        Assert.Contains("Result: INVALID", tampered.Output);
    }

    [Fact]
    public async Task DetailsThatAreNoLongerJson_AreNamedAsAnEdit_InTheAppTheGridAndOffline_WithoutACrash()
    {
        // The intruder's move: one quote of a middle entry's details removed, so they no longer parse.
        await TamperAsync("""UPDATE "AuditEntries" SET "Details" = char(123) || substr("Details", 3) WHERE "Sequence" = 50;""");
        var keyPath = Path.Combine(_world.DataFolderPath, "public.pem");
        await File.WriteAllTextAsync(keyPath, _world.Signer.PublicKeyPem);

        var report = await VerifyAsync();
        var page = await _world.Service.PageAsync(_world.Auditor, new ConsentDashboard.Features.Audit.AuditFilter(), new ConsentDashboard.Features.Audit.AuditSort(), 0, 200);
        var offline = await RunVerifyLogAsync([.. await OfflineSourceAsync("broken-json.db"), "--public-key", keyPath]);

        Assert.Equal((50L, AuditFailureKind.Edited), (report.Chain.FailedSequence, report.Chain.Failure));
        Assert.Contains(page.Rows, r => r.Sequence == 50 && !r.Details.StartsWith("{\n", StringComparison.Ordinal));
        Assert.Equal(1, offline.ExitCode);
        Assert.Contains("BROKEN at entry 50 (Edited)", offline.Output);
    }

    [Fact]
    public async Task OfflineCommand_WithoutItsArguments_ExplainsUsageAndExitsTwo()
    {
        var result = await RunVerifyLogAsync("--database");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Usage: ConsentDashboard verify-log (--database <consentdashboard.db> | --connection", result.Error);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunVerifyLogAsync(params string[] arguments)
    {
        var result = await AppCommand.RunAsync([OfflineVerifier.Command, .. arguments]);
        return (result.ExitCode, result.Output, result.Error);
    }
}
