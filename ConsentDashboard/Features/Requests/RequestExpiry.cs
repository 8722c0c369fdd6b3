using ConsentDashboard.Data;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.Requests;

/// <summary>
/// Closes requests past their expiry: the request becomes <c>Expired</c> and its still-pending notices too, with one
/// <c>RequestExpired</c> entry per request in the same transaction. Answered notices keep the resident's answer.
/// Idempotent: a request already expired is never touched again. No reminders are ever sent.
/// </summary>
public sealed class RequestExpiry(IDbContextFactory<ApplicationDbContext> dbFactory, AuditLog auditLog, TimeProvider time, InboxNotifier notifier)
{
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var audit = await auditLog.BeginAsync(db, cancellationToken);
        var expired = await db.FootageRequests
            .Where(r => r.Status == RequestStatus.Open)
            .Where(FootageRequest.Open.NotAt(now))
            .ToListAsync(cancellationToken);
        if (expired.Count == 0)
        {
            return 0;
        }

        var ids = expired.Select(r => r.Id).ToList();
        var pending = await db.RequestNotices
            .Where(n => ids.Contains(n.RequestId) && n.Status == NoticeStatus.Pending)
            .ToListAsync(cancellationToken);
        foreach (var notice in pending)
        {
            notice.Status = NoticeStatus.Expired;
        }

        foreach (var request in expired)
        {
            request.Status = RequestStatus.Expired;
            request.ClosedAt = now;
            await audit.AppendAsync(AuditActors.System, $"request:{request.Id}",
                new RequestExpired(request.AgencyId, request.CaseNumber, request.ExpiresAt), cancellationToken: cancellationToken);
        }

        await audit.CommitAsync(cancellationToken);
        notifier.Publish(pending.Select(n => n.ResidentId));
        return expired.Count;
    }
}
