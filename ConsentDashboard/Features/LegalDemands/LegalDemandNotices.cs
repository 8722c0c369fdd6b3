using ConsentDashboard.Data;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Localization;
using ConsentDashboard.Infrastructure.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Features.LegalDemands;

/// <summary>
/// Tells residents about legal demands on their notice dates (invariant 8): the demand becomes visible in their inbox, its
/// clips on their disclosures page, one e-mail goes to them alone, and a <c>LegalDemandNoticeDelivered</c> entry records it,
/// all in one transaction. Idempotent: a delivered notice is never delivered again.
/// </summary>
public sealed class LegalDemandNotices(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    AuditLog auditLog,
    MailOutbox outbox,
    MailTemplates templates,
    InboxNotifier notifier,
    IOptions<ConsentDashboardOptions> options,
    TimeProvider time)
{
    public const string MailKind = "legal-demand-notice";

    /// <summary>Delivers every notice whose date has come; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using (var reads = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // Most sweeps find nothing: that is learned without taking the write lock.
            if (!await Due(reads, now).AnyAsync(cancellationToken))
            {
                return 0;
            }
        }

        var residents = await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            var due = await Due(db, now).OrderBy(d => d.NoticeAt).ToListAsync(cancellationToken);
            foreach (var demand in due)
            {
                await DeliverAsync(db, audit, demand, now, cancellationToken);
            }

            return due.Select(d => d.ResidentId).ToList();
        }, cancellationToken);
        notifier.Publish(residents);
        outbox.Wake();
        return residents.Count;
    }

    private static IQueryable<LegalDemand> Due(ApplicationDbContext db, DateTime now) =>
        db.LegalDemands.Where(d => d.NoticeDeliveredAt == null && d.NoticeAt <= now);

    /// <summary>Marks the notice delivered, logs it and queues the e-mail, in the caller's transaction.</summary>
    public async Task DeliverAsync(ApplicationDbContext db, AuditScope audit, LegalDemand demand, DateTime now, CancellationToken cancellationToken)
    {
        demand.NoticeDeliveredAt = now;
        await audit.AppendAsync(AuditActors.System, $"legal-demand:{demand.Id}", new LegalDemandNoticeDelivered(
            demand.AgencyId, demand.Id, demand.Basis, demand.Reference, demand.RecordedAt, demand.NoticeAt, demand.IsDelayed, demand.ResidentId),
            cancellationToken: cancellationToken);

        var resident = await db.Users.AsNoTracking().Where(u => u.Id == demand.ResidentId)
            .Select(u => new { u.Email, u.DisplayName, u.EmailConfirmed, u.TimeZone, u.Language }).SingleAsync(cancellationToken);
        if (resident.Email is null || !resident.EmailConfirmed)
        {
            return;
        }

        // Produced clips are counted from the context, which holds them even when they are added in this same transaction.
        var clips = db.ChangeTracker.Entries<Disclosure>().Select(e => e.Entity).Count(d => d.LegalDemandId == demand.Id);
        if (clips == 0)
        {
            clips = await db.Disclosures.CountAsync(d => d.LegalDemandId == demand.Id, cancellationToken);
        }

        var agency = await db.Agencies.Where(a => a.Id == demand.AgencyId).Select(a => a.Name).SingleAsync(cancellationToken);
        var clock = ViewerClock.FromZoneId(resident.TimeZone);
        using (AppCultures.Speaking(resident.Language ?? AppCultures.English))
        {
            outbox.Queue(db, resident.Email, MailKind, templates.LegalDemandNotice(
                resident.DisplayName,
                agency,
                demand.Basis,
                demand.Citation,
                clips,
                clock.Day(demand.RecordedAt),
                demand.NoticeDelayReason,
                options.Value.LinkTo("inbox")));
        }
    }
}
