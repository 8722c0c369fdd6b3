using ConsentDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>Signs tree heads of the log: stored and published ones on a schedule and on demand, and unstored ones for witnesses.</summary>
public sealed class AuditCheckpoints(
    IDbContextFactory<ApplicationDbContext> dbFactory, AuditCheckpointSigner signer, AuditWitnessFolder witness, TimeProvider time)
{
    /// <summary>
    /// Signs and stores a tree head for the current log, unless the newest one already covers it. Null for an empty log.
    /// Every head signed is also appended to the witness folder.
    /// </summary>
    public async Task<AuditCheckpoint?> SignHeadAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var head = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        if (head is null)
        {
            return null;
        }

        var latest = await db.AuditCheckpoints.AsNoTracking().OrderByDescending(c => c.Sequence).ThenByDescending(c => c.Id).FirstOrDefaultAsync(cancellationToken);
        if (latest is { RootHash: not null } && latest.Sequence == head.Sequence && latest.KeyId == signer.KeyId)
        {
            return latest;
        }

        var frontier = await AuditTree.FrontierAsync(db, head.Sequence, head.Hash, cancellationToken);
        var checkpoint = signer.Sign(head.Sequence, head.Hash, frontier.Root(), time.GetUtcNow().UtcDateTime);
        db.AuditCheckpoints.Add(checkpoint);
        await db.SaveChangesAsync(cancellationToken);
        witness.Append(SignedTreeHead.From(checkpoint)!);
        return checkpoint;
    }

    /// <summary>
    /// A tree head for the log as it is now, signed for a witness (an auditor's browser) and written to the witness
    /// folder, but not stored in the database: what the database does not hold, an intruder there cannot remove.
    /// </summary>
    public async Task<SignedTreeHead> SignForWitnessAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var head = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        var frontier = head is null
            ? new Merkle.MerkleFrontier()
            : await AuditTree.FrontierAsync(db, head.Sequence, head.Hash, cancellationToken);
        var signed = SignedTreeHead.From(signer.Sign(frontier.Size, head?.Hash ?? AuditCanonicalEncoding.GenesisHash, frontier.Root(), time.GetUtcNow().UtcDateTime))!;
        witness.Append(signed);
        return signed;
    }
}

/// <summary>Signs a tree head at start and then every hour of <see cref="TimeProvider"/> time.</summary>
public sealed class AuditCheckpointScheduler(IServiceScopeFactory scopes, TimeProvider time, ILogger<AuditCheckpointScheduler> logger)
    : PeriodicBackgroundWork(scopes, time, logger, Interval)
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override string What => "Signing an audit tree head";

    protected override Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<AuditCheckpoints>().SignHeadAsync(cancellationToken);
}
