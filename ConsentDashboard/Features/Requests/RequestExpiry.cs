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
            .Where(r => r.Status == RequestStatus.Open && r.ExpiresAt <= now)
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
            await audit.AppendAsync(AuditActors.System, AuditActions.RequestExpired, $"request:{request.Id}",
                new { request.AgencyId, request.CaseNumber, request.ExpiresAt }, cancellationToken);
        }

        await audit.CommitAsync(cancellationToken);
        notifier.Publish(pending.Select(n => n.ResidentId));
        return expired.Count;
    }
}

/// <summary>Runs the expiry sweep at start and then every minute of <see cref="TimeProvider"/> time.</summary>
public sealed class RequestExpirySweeper(IServiceScopeFactory scopes, TimeProvider time, ILogger<RequestExpirySweeper> logger)
    : PeriodicBackgroundWork(scopes, time, logger, Interval)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override string What => "The expiry sweep";

    protected override async Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var closed = await services.GetRequiredService<RequestExpiry>().SweepAsync(cancellationToken);
        if (closed > 0)
        {
            logger.LogInformation("Closed {Count} expired footage requests.", closed);
        }
    }
}
