using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.Requests;

/// <summary>What an officer sees of their agency's requests. Nothing here reads notices (privacy invariant 1).</summary>
public sealed record AgencyRequestSummary(
    Guid Id,
    string CaseNumber,
    IncidentType IncidentType,
    DateTime WindowStart,
    DateTime WindowEnd,
    DateTime CreatedAt,
    DateTime ExpiresAt,
    RequestStatus Status,
    int ClipsReceived);

public sealed class AgencyRequestService(IDbContextFactory<ApplicationDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<AgencyRequestSummary>> ListForAgencyAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var officerId = user.RequireRole(Roles.Officer);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var agencyId = await db.Users.Where(u => u.Id == officerId).Select(u => u.AgencyId).SingleOrDefaultAsync(cancellationToken)
            ?? throw new UnauthorizedAccessException("This officer account is not attached to an agency.");
        var requests = await db.FootageRequests.AsNoTracking()
            .Where(r => r.AgencyId == agencyId)
            .OrderByDescending(r => r.CreatedAt)
            .Select(r => new AgencyRequestSummary(r.Id, r.CaseNumber, r.IncidentType, r.WindowStart, r.WindowEnd, r.CreatedAt,
                r.ExpiresAt, r.Status,
                db.Disclosures.Count(d => d.RequestId == r.Id && d.AgencyId == agencyId && d.RevokedAt == null && d.AccessExpiresAt > now)))
            .ToListAsync(cancellationToken);
        // A request past its expiry shows as expired even before the sweep has closed it.
        return requests
            .Select(r => r.Status == RequestStatus.Open && r.ExpiresAt <= now ? r with { Status = RequestStatus.Expired } : r)
            .ToList();
    }
}
