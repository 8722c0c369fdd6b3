using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.PublicLog;

/// <summary>What anyone may read about the log without signing in: the signed tree heads, the key, and proofs between heads.</summary>
public sealed class PublicLogService(IDbContextFactory<ApplicationDbContext> dbFactory, AuditCheckpointSigner signer)
{
    public const int FeedLimit = 1000;

    public string PublicKeyPem => signer.PublicKeyPem;

    public string KeyId => signer.KeyId;

    /// <summary>The newest signed tree heads, newest first. Only sizes and roots: nothing about any entry.</summary>
    public async Task<IReadOnlyList<SignedTreeHead>> HeadsAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var checkpoints = await db.AuditCheckpoints.AsNoTracking().Where(c => c.RootHash != null)
            .OrderByDescending(c => c.Sequence).ThenByDescending(c => c.Id).Take(Math.Clamp(limit, 1, FeedLimit)).ToListAsync(cancellationToken);
        return checkpoints.Select(SignedTreeHead.From).OfType<SignedTreeHead>().ToList();
    }

    /// <summary>
    /// The consistency proof between two published sizes, or the reason it cannot be given. Sizes beyond the newest
    /// published head are refused, so the feed never reveals how the log grows between heads.
    /// </summary>
    public async Task<(IReadOnlyList<byte[]>? Proof, string? Problem)> ConsistencyAsync(long from, long to, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var published = await db.AuditCheckpoints.Where(c => c.RootHash != null).MaxAsync(c => (long?)c.Sequence, cancellationToken) ?? 0;
        if (from < 1 || to < from)
        {
            return (null, "Give two tree sizes with 1 ≤ from ≤ to.");
        }

        if (to > published)
        {
            return (null, $"The newest published tree head has {published} entries; ask for sizes up to that.");
        }

        try
        {
            return (await AuditTree.ConsistencyProofAsync(db, from, to, cancellationToken), null);
        }
        catch (InvalidOperationException incomplete)
        {
            return (null, incomplete.Message);
        }
    }
}
