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

/// <summary>A legal demand whose notice reached the resident, with what was produced.</summary>
public sealed record LegalDemandItem(
    Guid Id,
    string AgencyName,
    LegalBasis Basis,
    string Citation,
    string Description,
    DateTime ProducedAt,
    DateTime DeliveredAt,
    string? NoticeDelayReason,
    IReadOnlyList<ProducedClip> Clips);

public sealed record ProducedClip(string CameraLabel, DateTime RecordedStart, DateTime RecordedEnd, string Sha256);

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

    /// <summary>The legal demands the resident has been told about, newest first; a demand whose notice date has not come is not here.</summary>
    public async Task<IReadOnlyList<LegalDemandItem>> ListLegalDemandsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var demands = await db.LegalDemands.AsNoTracking()
            .Where(d => d.ResidentId == residentId && d.NoticeDeliveredAt != null)
            .OrderByDescending(d => d.NoticeDeliveredAt)
            .Select(d => new { Demand = d, Agency = d.Agency!.Name })
            .ToListAsync(cancellationToken);
        var ids = demands.Select(d => d.Demand.Id).ToList();
        var clips = await db.Disclosures.AsNoTracking()
            .Where(d => d.LegalDemandId != null && ids.Contains(d.LegalDemandId.Value))
            .OrderBy(d => d.Clip!.RecordedStart)
            .Select(d => new { DemandId = d.LegalDemandId!.Value, d.Clip!.Camera!.Label, d.Clip.RecordedStart, d.Clip.RecordedEnd, d.ClipSha256 })
            .ToListAsync(cancellationToken);
        return demands.Select(x => new LegalDemandItem(x.Demand.Id, x.Agency, x.Demand.Basis, x.Demand.Citation, x.Demand.Description,
                x.Demand.RecordedAt, x.Demand.NoticeDeliveredAt!.Value, x.Demand.NoticeDelayReason,
                clips.Where(c => c.DemandId == x.Demand.Id).Select(c => new ProducedClip(c.Label, c.RecordedStart, c.RecordedEnd, c.ClipSha256)).ToList()))
            .ToList();
    }
}
