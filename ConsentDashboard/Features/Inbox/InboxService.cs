using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.Inbox;

public sealed record InboxItem(Guid NoticeId, string AgencyName, FootageRequest Request, NoticeStatus Status, double? NearestCameraMeters)
{
    /// <summary>Which inbox filter the notice falls under at <paramref name="utcNow"/>.</summary>
    public InboxFilter FilterAt(DateTime utcNow) => Status switch
    {
        NoticeStatus.Shared or NoticeStatus.Declined or NoticeStatus.Ignored => InboxFilter.Answered,
        NoticeStatus.Pending when Request.IsOpenAt(utcNow) => InboxFilter.Open,
        _ => InboxFilter.Expired,
    };
}

public enum InboxFilter
{
    Open,
    Answered,
    Expired,
}

public sealed class InboxService(IDbContextFactory<ApplicationDbContext> dbFactory)
{
    /// <summary>The resident's own notices, newest first, with the distance from their nearest camera.</summary>
    public async Task<IReadOnlyList<InboxItem>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var notices = await db.RequestNotices.AsNoTracking()
            .Where(n => n.ResidentId == residentId)
            .OrderByDescending(n => n.CreatedAt)
            .Select(n => new { n.Id, Agency = n.Request!.Agency!.Name, n.Request, n.Status })
            .ToListAsync(cancellationToken);
        var cameras = await db.Cameras.AsNoTracking()
            .Where(c => c.OwnerId == residentId && c.IsActive)
            .Select(c => new { c.Latitude, c.Longitude })
            .ToListAsync(cancellationToken);

        return notices.Select(n => new InboxItem(n.Id, n.Agency, n.Request,
                n.Status,
                cameras.Count == 0
                    ? null
                    : cameras.Min(c => GeoArea.HaversineMeters(n.Request.CenterLatitude, n.Request.CenterLongitude, c.Latitude, c.Longitude))))
            .ToList();
    }
}
