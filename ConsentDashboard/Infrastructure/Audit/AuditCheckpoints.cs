using ConsentDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>Signs the current head of the log, on demand and on a schedule.</summary>
public sealed class AuditCheckpoints(IDbContextFactory<ApplicationDbContext> dbFactory, AuditCheckpointSigner signer, TimeProvider time)
{
    /// <summary>Signs the head, unless the newest checkpoint already covers it. Null for an empty log.</summary>
    public async Task<AuditCheckpoint?> SignHeadAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var head = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        if (head is null)
        {
            return null;
        }

        var latest = await db.AuditCheckpoints.AsNoTracking().OrderByDescending(c => c.Sequence).FirstOrDefaultAsync(cancellationToken);
        if (latest is not null && latest.Sequence == head.Sequence && latest.KeyId == signer.KeyId)
        {
            return latest;
        }

        var checkpoint = signer.Sign(head.Sequence, head.Hash, time.GetUtcNow().UtcDateTime);
        db.AuditCheckpoints.Add(checkpoint);
        await db.SaveChangesAsync(cancellationToken);
        return checkpoint;
    }
}

/// <summary>Signs a checkpoint at start and then every hour of <see cref="TimeProvider"/> time.</summary>
public sealed class AuditCheckpointScheduler(IServiceScopeFactory scopes, TimeProvider time, ILogger<AuditCheckpointScheduler> logger)
    : PeriodicBackgroundWork(scopes, time, logger, Interval)
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override string What => "Signing an audit checkpoint";

    protected override Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<AuditCheckpoints>().SignHeadAsync(cancellationToken);
}
