using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.Audit;

public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long TotalCount);

public sealed class AuditLogService(IDbContextFactory<ApplicationDbContext> dbFactory, AuditLog auditLog)
{
    /// <summary>One page of the log, newest first, served by the primary key.</summary>
    public async Task<AuditPage> PageAsync(ClaimsPrincipal user, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        user.RequireRole(Roles.Auditor);
        pageSize = Math.Clamp(pageSize, 1, 200);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var head = await db.AuditEntries.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;
        var upper = head - (long)page * pageSize;
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Sequence <= upper)
            .OrderByDescending(e => e.Sequence)
            .Take(pageSize)
            .ToListAsync(cancellationToken);
        return new AuditPage(entries, head);
    }

    /// <summary>Verifies the whole chain and records that an auditor did so (the watchers are watched too).</summary>
    public async Task<AuditVerificationResult> VerifyAsync(ClaimsPrincipal user, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var auditorId = user.RequireRole(Roles.Auditor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var result = await AuditChainVerifier.VerifyAsync(db, progress, cancellationToken);
        await using var audit = await auditLog.BeginAsync(db, cancellationToken);
        await audit.AppendAsync($"user:{auditorId}", AuditActions.LogVerified, "log", new
        {
            result.IsValid,
            result.EntriesChecked,
            result.HeadSequence,
            result.FailedSequence,
            Failure = result.Failure?.ToString(),
        }, cancellationToken);
        await audit.CommitAsync(cancellationToken);
        return result;
    }
}
