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
        await using (var reads = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // Most sweeps find nothing: that is learned without taking the write lock.
            if (!await Expired(reads, now).AnyAsync(cancellationToken))
            {
                return 0;
            }
        }

        var (count, residents) = await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            var expired = await Expired(db, now).ToListAsync(cancellationToken);
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

            return (expired.Count, pending.Select(n => n.ResidentId).ToList());
        }, cancellationToken);
        notifier.Publish(residents);
        return count;
    }

    private static IQueryable<FootageRequest> Expired(ApplicationDbContext db, DateTime now) =>
        db.FootageRequests.Where(r => r.Status == RequestStatus.Open).Where(FootageRequest.Open.NotAt(now));
}
