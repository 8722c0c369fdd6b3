using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Validation;
using FluentValidation;
using ConsentDashboard.Infrastructure.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Inbox;

public sealed record SketchCamera(Guid Id, string Label, double Latitude, double Longitude, bool IsActive, bool InRange);

public sealed record NoticeClip(
    Guid Id, Guid CameraId, string CameraLabel, DateTime RecordedStart, DateTime RecordedEnd, long SizeBytes, string Sha256, bool AlreadyShared);

/// <summary>One notice as its resident sees it: the request in full, their own answer, cameras and clips.</summary>
public sealed record NoticeDetail(
    Guid NoticeId,
    NoticeStatus Status,
    DateTime? AnsweredAt,
    FootageRequest Request,
    string AgencyName,
    bool AgencyBlocked,
    IReadOnlyList<SketchCamera> Cameras,
    IReadOnlyList<NoticeClip> Clips)
{
    /// <summary>Open for an answer: not yet declined or ignored, and the request still open.</summary>
    public bool IsOpenAt(DateTime utcNow) => IsAnswerable(Status) && Request.IsOpenAt(utcNow);

    /// <summary>A resident may still share for a notice they have not closed (sharing again adds clips).</summary>
    public static bool IsAnswerable(NoticeStatus status) => status is NoticeStatus.Pending or NoticeStatus.Shared;
}

public sealed record ShareResult(int Disclosed, int AlreadyShared, DateTime AccessExpiresAt);

/// <summary>
/// One resident's answer to one request. Every method acts only on the caller's own notice and clips; anything else
/// is refused with the same message as a notice that does not exist, and changes nothing.
/// </summary>
/// <remarks>
/// Declines and ignores are deliberately not written to the audit log: the log is read by auditors, and a trail of
/// refusals is exactly the response-rate data invariant 2 forbids. The resident's notice holds their answer.
/// </remarks>
public sealed class NoticeService(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    AuditLog auditLog,
    TimeProvider time,
    IValidator<ShareInput> shareValidator,
    IValidator<DeclineInput> declineValidator,
    IStringLocalizer<AppText> text)
{
    public const string NotInInbox = "This request is not in your inbox.";

    public async Task<NoticeDetail?> GetAsync(ClaimsPrincipal user, Guid noticeId, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var notice = await db.RequestNotices.AsNoTracking()
            .Where(n => n.Id == noticeId && n.ResidentId == residentId)
            .Select(n => new { Notice = n, n.Request, AgencyName = n.Request!.Agency!.Name })
            .FirstOrDefaultAsync(cancellationToken);
        if (notice is null)
        {
            return null;
        }

        var request = notice.Request!;
        var cameras = await ResidentCamerasAsync(db, residentId, request, cancellationToken);
        var inRange = cameras.Where(c => c.InRange).Select(c => c.Id).ToList();
        var shared = await db.Disclosures.AsNoTracking()
            .Where(d => d.RequestId == request.Id && d.ResidentId == residentId)
            .Select(d => d.ClipId)
            .ToListAsync(cancellationToken);
        var clips = await OverlappingClips(db, inRange, request)
            .OrderBy(c => c.RecordedStart)
            .Select(c => new NoticeClip(c.Id, c.CameraId, c.Camera!.Label, c.RecordedStart, c.RecordedEnd, c.SizeBytes, c.Sha256, false))
            .ToListAsync(cancellationToken);
        var blocked = await db.AgencyBlocks.AnyAsync(b => b.ResidentId == residentId && b.AgencyId == request.AgencyId, cancellationToken);

        return new NoticeDetail(notice.Notice.Id, notice.Notice.Status, notice.Notice.AnsweredAt, request, notice.AgencyName, blocked, cameras,
            clips.Select(c => c with { AlreadyShared = shared.Contains(c.Id) }).ToList());
    }

    /// <summary>
    /// Discloses the chosen clips to the requesting agency, with one <c>DisclosureCreated</c> entry each, in one
    /// transaction. Clips already shared for this request are left as they are, so a double click, a second tab or a
    /// retry never discloses a clip twice.
    /// </summary>
    public async Task<ShareResult> ShareAsync(ClaimsPrincipal user, ShareInput input, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await shareValidator.EnsureValidAsync(input, cancellationToken);
        // Whole microseconds, as every database stores a time: the receipt's times must equal the logged ones exactly.
        var now = AuditCanonicalEncoding.Normalise(time.GetUtcNow().UtcDateTime);

        // The unit runs under the write lock, so the checks below and the writes see the same state.
        return await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            var notice = await db.RequestNotices
                .Include(n => n.Request)
                .FirstOrDefaultAsync(n => n.Id == input.NoticeId && n.ResidentId == residentId, cancellationToken)
                ?? throw new ActionRefusedException(text[NotInInbox]);
            var request = notice.Request!;
            EnsureOpen(notice, request, now);

            var chosen = input.ClipIds.ToList();
            var cameras = await ResidentCamerasAsync(db, residentId, request, cancellationToken);
            var inRange = cameras.Where(c => c.InRange).Select(c => c.Id).ToList();
            var clips = await OverlappingClips(db, inRange, request)
                .Where(c => chosen.Contains(c.Id))
                .ToListAsync(cancellationToken);
            if (clips.Count != chosen.Count)
            {
                throw new ActionRefusedException(
                    text["One of the chosen clips is not one of yours from this request's area and time window. Nothing was shared."]);
            }

            var alreadyShared = await db.Disclosures
                .Where(d => d.RequestId == request.Id && chosen.Contains(d.ClipId))
                .Select(d => d.ClipId)
                .ToListAsync(cancellationToken);
            var accessExpiresAt = now.AddDays(input.AccessDays);
            var created = 0;
            foreach (var clip in clips.Where(c => !alreadyShared.Contains(c.Id)))
            {
                var disclosure = new Disclosure
                {
                    Id = Guid.NewGuid(),
                    ResidentId = residentId,
                    ClipId = clip.Id,
                    ClipSha256 = clip.Sha256,
                    AgencyId = request.AgencyId,
                    RequestId = request.Id,
                    LegalBasis = LegalBasis.Consent,
                    RevealedContactFields = input.RevealedContactFields,
                    AllowDownload = input.AllowDownload,
                    DisclosedAt = now,
                    AccessExpiresAt = accessExpiresAt,
                };
                db.Disclosures.Add(disclosure);
                await audit.AppendAsync(AuditActors.User(residentId), $"disclosure:{disclosure.Id}", new DisclosureCreated(
                    disclosure.AgencyId, request.Id, request.CaseNumber, request.IncidentType, disclosure.LegalBasis, disclosure.ClipId,
                    disclosure.ClipSha256, clip.RecordedStart, clip.RecordedEnd, disclosure.RevealedContactFields, disclosure.AllowDownload,
                    disclosure.AccessExpiresAt, residentId), cancellationToken);
                created++;
            }

            notice.Status = NoticeStatus.Shared;
            notice.AnsweredAt ??= now;

            return new ShareResult(created, alreadyShared.Count, accessExpiresAt);
        }, cancellationToken);
    }

    /// <summary>Closes the notice as declined and, if asked, stops further requests from the agency.</summary>
    public async Task DeclineAsync(ClaimsPrincipal user, DeclineInput input, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await declineValidator.EnsureValidAsync(input, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var agencyId = await CloseAsync(db, residentId, input.NoticeId, NoticeStatus.Declined, cancellationToken);
        if (input.BlockAgency
            && !await db.AgencyBlocks.AnyAsync(b => b.ResidentId == residentId && b.AgencyId == agencyId, cancellationToken))
        {
            db.AgencyBlocks.Add(new AgencyBlock { ResidentId = residentId, AgencyId = agencyId, CreatedAt = time.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Dismisses the notice. Nobody but the resident can tell this from never having looked.</summary>
    public async Task IgnoreAsync(ClaimsPrincipal user, Guid noticeId, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await CloseAsync(db, residentId, noticeId, NoticeStatus.Ignored, cancellationToken);
    }

    /// <summary>How long after declining or dismissing the resident may take it back.</summary>
    public static readonly TimeSpan UndoWindow = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Takes back a decline or a dismissal made within <see cref="UndoWindow"/>: the notice is pending again, and an
    /// agency block this decline added is lifted. Nothing of this is logged, exactly as the answer itself was not.
    /// </summary>
    public async Task UndoAnswerAsync(ClaimsPrincipal user, Guid noticeId, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var notice = await db.RequestNotices.AsNoTracking()
            .Include(n => n.Request)
            .FirstOrDefaultAsync(n => n.Id == noticeId && n.ResidentId == residentId, cancellationToken)
            ?? throw new ActionRefusedException(text[NotInInbox]);
        if (notice.Status is not (NoticeStatus.Declined or NoticeStatus.Ignored) || notice.AnsweredAt is not { } answeredAt)
        {
            throw new ActionRefusedException(text["Only a decline or a dismissal can be undone."]);
        }

        if (now - answeredAt > UndoWindow)
        {
            throw new ActionRefusedException(text["Undo is possible for {0} seconds after answering; your answer stands.", UndoWindow.TotalSeconds]);
        }

        var request = notice.Request!;
        if (request.Status == RequestStatus.Withdrawn || !request.IsOpenAt(now))
        {
            throw new ActionRefusedException(text["This request has closed, so your answer can no longer change."]);
        }

        var changed = await db.RequestNotices
            .Where(n => n.Id == noticeId && n.ResidentId == residentId && n.Status == notice.Status && n.AnsweredAt == answeredAt)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, NoticeStatus.Pending).SetProperty(n => n.AnsweredAt, (DateTime?)null), cancellationToken);
        if (changed == 0)
        {
            throw new ActionRefusedException(text["Your answer changed in another tab; the page now shows what is stored."]);
        }

        if (notice.Status == NoticeStatus.Declined)
        {
            await db.AgencyBlocks
                .Where(b => b.ResidentId == residentId && b.AgencyId == request.AgencyId && b.CreatedAt >= answeredAt)
                .ExecuteDeleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The newest other request still waiting for this resident's answer, for a "next request" link.</summary>
    public async Task<Guid?> NextOpenAsync(ClaimsPrincipal user, Guid currentNoticeId, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.RequestNotices.AsNoTracking()
            .Where(n => n.ResidentId == residentId && n.Id != currentNoticeId && n.Status == NoticeStatus.Pending)
            .Join(db.FootageRequests.Where(FootageRequest.Open.At(now)), n => n.RequestId, r => r.Id, (n, _) => n)
            .OrderByDescending(n => n.CreatedAt)
            .Select(n => (Guid?)n.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    private async Task<int> CloseAsync(ApplicationDbContext db, string residentId, Guid noticeId, NoticeStatus answer, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var notice = await db.RequestNotices
            .Include(n => n.Request)
            .FirstOrDefaultAsync(n => n.Id == noticeId && n.ResidentId == residentId, cancellationToken)
            ?? throw new ActionRefusedException(text[NotInInbox]);
        EnsureOpen(notice, notice.Request!, now);
        if (notice.Status != NoticeStatus.Pending)
        {
            throw new ActionRefusedException(text["You already answered this request ({0}).", text.Words(notice.Status).ToLowerInvariant()]);
        }

        // Only a still-pending row changes, so two tabs answering at once cannot both win.
        var changed = await db.RequestNotices
            .Where(n => n.Id == noticeId && n.ResidentId == residentId && n.Status == NoticeStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, answer).SetProperty(n => n.AnsweredAt, now), cancellationToken);
        if (changed == 0)
        {
            throw new ActionRefusedException(text["You already answered this request."]);
        }

        return notice.Request!.AgencyId;
    }

    private void EnsureOpen(RequestNotice notice, FootageRequest request, DateTime now)
    {
        if (request.Status == RequestStatus.Withdrawn || notice.Status == NoticeStatus.Withdrawn)
        {
            throw new ActionRefusedException(text["The agency withdrew this request."]);
        }

        if (!request.IsOpenAt(now) || notice.Status == NoticeStatus.Expired)
        {
            throw new ActionRefusedException(text["This request has expired; nothing more can be shared for it."]);
        }

        if (!NoticeDetail.IsAnswerable(notice.Status))
        {
            throw new ActionRefusedException(text["You already answered this request ({0}).", text.Words(notice.Status).ToLowerInvariant()]);
        }
    }

    private static async Task<List<SketchCamera>> ResidentCamerasAsync(
        ApplicationDbContext db, string residentId, FootageRequest request, CancellationToken cancellationToken)
    {
        var cameras = await db.Cameras.AsNoTracking()
            .Where(c => c.OwnerId == residentId)
            .OrderBy(c => c.Label)
            .Select(c => new { c.Id, c.Label, c.Latitude, c.Longitude, c.IsActive })
            .ToListAsync(cancellationToken);
        return cameras.Select(c => new SketchCamera(c.Id, c.Label, c.Latitude, c.Longitude, c.IsActive,
                GeoArea.HaversineMeters(request.CenterLatitude, request.CenterLongitude, c.Latitude, c.Longitude) <= request.RadiusMeters))
            .ToList();
    }

    /// <summary>Clips of the given cameras that overlap the request's window at all.</summary>
    private static IQueryable<Clip> OverlappingClips(ApplicationDbContext db, List<Guid> cameraIds, FootageRequest request) =>
        db.Clips.Where(c => cameraIds.Contains(c.CameraId)
            && c.RecordedStart < request.WindowEnd
            && c.RecordedEnd > request.WindowStart);
}
