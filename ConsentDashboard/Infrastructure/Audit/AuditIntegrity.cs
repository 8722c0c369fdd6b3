using ConsentDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>What the newest signed checkpoint says about the log.</summary>
public sealed record CheckpointCheck(int Count, long? Sequence, DateTime? SignedAt, string? Problem)
{
    public static readonly CheckpointCheck None = new(0, null, null, null);
}

public sealed record IntegrityReport(AuditVerificationResult Chain, CheckpointCheck Checkpoint)
{
    public bool IsValid => Chain.IsValid && Checkpoint.Problem is null;
}

/// <summary>
/// Full verification: the hash chain entry by entry, then the newest signed checkpoint against it. The chain alone
/// cannot see its newest entries removed (what is left is still a valid chain); the checkpoint can.
/// </summary>
public static class AuditIntegrity
{
    public static async Task<IntegrityReport> VerifyAsync(
        ApplicationDbContext db, string publicKeyPem, IProgress<long>? progress = null, CancellationToken cancellationToken = default,
        ILogger? logger = null)
    {
        var chain = await AuditChainVerifier.VerifyAsync(db, progress, cancellationToken, logger);
        var count = await db.AuditCheckpoints.CountAsync(cancellationToken);
        var latest = await db.AuditCheckpoints.AsNoTracking()
            .OrderByDescending(c => c.Sequence).ThenByDescending(c => c.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (latest is null)
        {
            return new IntegrityReport(chain, CheckpointCheck.None);
        }

        string? problem = null;
        if (!AuditCheckpointSigner.IsSignedBy(latest, publicKeyPem))
        {
            problem = $"The newest checkpoint (entry {latest.Sequence}) has a signature that does not verify with the published key: "
                + "it was altered, or signed by another key.";
        }
        else if (chain.IsValid && chain.HeadSequence < latest.Sequence)
        {
            problem = $"The log ends at entry {chain.HeadSequence}, but a checkpoint signed at {latest.SignedAt:yyyy-MM-dd HH:mm:ss} UTC vouches for entry "
                + $"{latest.Sequence}: entries {chain.HeadSequence + 1} to {latest.Sequence} were removed.";
        }
        else if (chain.IsValid)
        {
            var hash = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence == latest.Sequence).Select(e => e.Hash).FirstOrDefaultAsync(cancellationToken);
            if (hash != latest.Hash)
            {
                problem = $"Entry {latest.Sequence} does not have the hash the checkpoint signed: the log was rewritten from there back.";
            }
        }

        return new IntegrityReport(chain, new CheckpointCheck(count, latest.Sequence, latest.SignedAt, problem));
    }
}
