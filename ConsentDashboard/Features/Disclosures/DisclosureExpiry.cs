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
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var audit = await auditLog.BeginAsync(db, cancellationToken);
        var ended = await db.Disclosures
            .Include(d => d.Request).Include(d => d.LegalDemand)
            .Where(d => d.ExpiryLoggedAt == null && d.RevokedAt == null)
            .Where(Disclosure.Live.NotAt(now))
            .OrderBy(d => d.AccessExpiresAt)
            .ToListAsync(cancellationToken);
        if (ended.Count == 0)
        {
            // Nothing to write: the scope rolls back instead of committing an empty transaction every minute.
            return 0;
        }

        foreach (var disclosure in ended)
        {
            disclosure.ExpiryLoggedAt = now;
            await audit.AppendAsync(AuditActors.System, $"disclosure:{disclosure.Id}", DisclosureExpired.Of(disclosure), cancellationToken);
        }

        await audit.CommitAsync(cancellationToken);
        return ended.Count;
    }
}
