using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.Disclosures;

/// <summary>
/// Logs the end of each disclosure's access when it comes: one <c>DisclosureExpired</c> entry per disclosure, written with
/// the mark that keeps it from being logged twice. Access itself already ended at the expiry (see <see cref="Disclosure.Live"/>);
/// the sweep only makes the end visible in the log. Revoked disclosures were logged when revoked.
/// </summary>
public sealed class DisclosureExpiry(IDbContextFactory<ApplicationDbContext> dbFactory, AuditLog auditLog, TimeProvider time)
{
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using (var reads = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // Most sweeps find nothing: that is learned without taking the write lock.
            if (!await Ended(reads, now).AnyAsync(cancellationToken))
            {
                return 0;
            }
        }

        return await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            var ended = await Ended(db, now)
                .Include(d => d.Request).Include(d => d.LegalDemand)
                .OrderBy(d => d.AccessExpiresAt)
                .ToListAsync(cancellationToken);
            foreach (var disclosure in ended)
            {
                disclosure.ExpiryLoggedAt = now;
                await audit.AppendAsync(AuditActors.System, $"disclosure:{disclosure.Id}", DisclosureExpired.Of(disclosure), cancellationToken);
            }

            return ended.Count;
        }, cancellationToken);
    }

    private static IQueryable<Disclosure> Ended(ApplicationDbContext db, DateTime now) =>
        db.Disclosures.Where(d => d.ExpiryLoggedAt == null && d.RevokedAt == null).Where(Disclosure.Live.NotAt(now));
}
