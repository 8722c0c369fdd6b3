using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.Requests;

/// <summary>
/// Notifies every resident with an active camera inside a request's circle, in the request's own transaction.
/// The number notified goes to the audit log only; nothing returned here reaches an officer.
/// </summary>
public static class NoticeFanOut
{
    /// <summary>Residents whose active cameras lie within the circle and who accept requests from the agency.</summary>
    public static async Task<List<string>> FindResidentsAsync(
        ApplicationDbContext db, int agencyId, double latitude, double longitude, double radiusMeters, CancellationToken cancellationToken = default)
    {
        var box = GeoArea.BoundingBoxAround(latitude, longitude, radiusMeters);
        var candidates = await db.Cameras.AsNoTracking()
            .Where(c => c.IsActive
                && c.Latitude >= box.MinLatitude && c.Latitude <= box.MaxLatitude
                && ((c.Longitude >= box.MinLongitude1 && c.Longitude <= box.MaxLongitude1)
                    || (c.Longitude >= box.MinLongitude2 && c.Longitude <= box.MaxLongitude2))
                && !c.Owner!.OptedOutOfAllRequests
                && !db.AgencyBlocks.Any(b => b.ResidentId == c.OwnerId && b.AgencyId == agencyId))
            .Select(c => new { c.OwnerId, c.Latitude, c.Longitude })
            .ToListAsync(cancellationToken);

        return candidates
            .Where(c => GeoArea.HaversineMeters(latitude, longitude, c.Latitude, c.Longitude) <= radiusMeters)
            .Select(c => c.OwnerId)
            .Distinct()
            .ToList();
    }

    /// <summary>
    /// Writes one notice per matched resident of an open request, dated when the request opened; the context's pending
    /// changes (the request itself among them) are saved first. Returns the notices, whose residents are to be told once
    /// the transaction commits; callers must never show an officer (or a reviewer) anything derived from them.
    /// </summary>
    public static async Task<List<RequestNotice>> WriteNoticesAsync(ApplicationDbContext db, FootageRequest request, CancellationToken cancellationToken = default) =>
        await StoreNoticesAsync(db, request, await FindResidentsAsync(db, request.AgencyId, request.CenterLatitude, request.CenterLongitude,
            request.RadiusMeters, cancellationToken), cancellationToken);

    /// <summary>
    /// The same for residents <see cref="FindResidentsAsync"/> found before the write lock was taken (the area query is the
    /// costly part and needs no lock): a resident who opted out or blocked the agency since is left out, so a choice that
    /// committed first is always honoured.
    /// </summary>
    public static async Task<List<RequestNotice>> WriteNoticesAsync(
        ApplicationDbContext db, FootageRequest request, IReadOnlyCollection<string> found, CancellationToken cancellationToken = default)
    {
        if (found.Count == 0)
        {
            return [];
        }

        var agencyId = request.AgencyId;
        var reachable = await db.Users.AsNoTracking()
            .Where(u => found.Contains(u.Id) && !u.OptedOutOfAllRequests && !db.AgencyBlocks.Any(b => b.ResidentId == u.Id && b.AgencyId == agencyId))
            .Select(u => u.Id)
            .ToListAsync(cancellationToken);
        return await StoreNoticesAsync(db, request, found.Where(reachable.ToHashSet().Contains).ToList(), cancellationToken);
    }

    private static async Task<List<RequestNotice>> StoreNoticesAsync(ApplicationDbContext db, FootageRequest request, List<string> residents, CancellationToken cancellationToken)
    {
        var notices = residents.Select(residentId => new RequestNotice
        {
            Id = Guid.NewGuid(),
            RequestId = request.Id,
            ResidentId = residentId,
            Status = NoticeStatus.Pending,
            CreatedAt = request.OpenedAt ?? request.CreatedAt,
        }).ToList();
        await db.InsertAllAsync(notices, cancellationToken);
        return notices;
    }

    /// <summary>
    /// Adds an open request, one notice per matched resident, and the <c>RequestCreated</c> entry to the scope: a request
    /// of an agency without review reaches residents as it is filed. <paramref name="found"/> are the residents found
    /// before the unit began, or null to search now.
    /// </summary>
    public static async Task<List<RequestNotice>> AddRequestWithNoticesAsync(
        ApplicationDbContext db, AuditScope audit, FootageRequest request, IReadOnlyCollection<string>? found = null, CancellationToken cancellationToken = default)
    {
        request.Status = RequestStatus.Open;
        request.OpenedAt ??= request.CreatedAt;
        db.FootageRequests.Add(request);
        var notices = found is null ? await WriteNoticesAsync(db, request, cancellationToken) : await WriteNoticesAsync(db, request, found, cancellationToken);
        await audit.AppendAsync(AuditActors.User(request.OfficerId), $"request:{request.Id}", Created(request, notices.Count, awaitingReview: false),
            cancellationToken: cancellationToken);
        return notices;
    }

    /// <summary>Adds a request that waits for review: nobody is notified, and the entry says so.</summary>
    public static async Task AddRequestForReviewAsync(ApplicationDbContext db, AuditScope audit, FootageRequest request, CancellationToken cancellationToken = default)
    {
        request.Status = RequestStatus.PendingReview;
        request.OpenedAt = null;
        db.FootageRequests.Add(request);
        await audit.AppendAsync(AuditActors.User(request.OfficerId), $"request:{request.Id}", Created(request, 0, awaitingReview: true),
            cancellationToken: cancellationToken);
    }

    private static RequestCreated Created(FootageRequest request, int notified, bool awaitingReview) => new(
        request.AgencyId, request.CaseNumber, request.IncidentType, request.RadiusMeters, request.WindowStart, request.WindowEnd,
        request.ExpiresAt, notified, awaitingReview);
}
