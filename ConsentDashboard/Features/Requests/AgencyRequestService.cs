using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Mail;
using ConsentDashboard.Infrastructure.Validation;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Localization;

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

/// <summary>One clip a resident chose to give, as the agency may see it.</summary>
public sealed record SharedClip(
    Guid ClipId,
    string ResidentLabel,
    DateTime RecordedStart,
    DateTime RecordedEnd,
    string Sha256,
    DateTime DisclosedAt,
    DateTime AccessExpiresAt,
    bool AllowDownload);

public sealed record AgencyRequestDetail(
    Guid Id,
    string CaseNumber,
    IncidentType IncidentType,
    string Description,
    string OfficerName,
    string OfficerContact,
    double CenterLatitude,
    double CenterLongitude,
    double RadiusMeters,
    DateTime WindowStart,
    DateTime WindowEnd,
    DateTime CreatedAt,
    DateTime ExpiresAt,
    RequestStatus Status,
    DateTime? OpenedAt,
    string? RejectionReason,
    IReadOnlyList<SharedClip> Clips)
{
    /// <summary>How long it stays open once a reviewer approves it.</summary>
    public int OpenForDays => (int)Math.Round((ExpiresAt - CreatedAt).TotalDays);
}

/// <summary>A legal demand the officer's agency served, as the agency sees it.</summary>
public sealed record AgencyLegalDemand(Guid Id, LegalBasis Basis, string Citation, string Description, DateTime RecordedAt, IReadOnlyList<SharedClip> Clips);

/// <summary>
/// An officer's side of requests: filing, withdrawing, listing, and the clips residents shared. Every answer is the
/// same whether residents declined, ignored or never looked: nothing here reads a notice's status or counts notices.
/// </summary>
public sealed class AgencyRequestService(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    AuditLog auditLog,
    IValidator<RequestFiling> validator,
    IOptions<RequestLimits> limits,
    InboxNotifier notifier,
    RequestNoticeMail noticeMail,
    MailOutbox outbox,
    TimeProvider time,
    IStringLocalizer<AppText> text)
{
    public const string NotFound = "This request does not exist or belongs to another agency.";

    /// <summary>The least time a successful filing takes to answer, well above what the fan-out itself takes (see the README's fan-out benchmark).</summary>
    public static readonly TimeSpan FilingResponseFloor = TimeSpan.FromMilliseconds(300);

    public RequestLimits Limits => limits.Value;

    public async Task<IReadOnlyList<AgencyRequestSummary>> ListForAgencyAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var agencyId = await AgencyOfAsync(db, user, cancellationToken);
        var live = Disclosure.Live.At(now);
        var requests = await db.FootageRequests.AsNoTracking()
            .Where(r => r.AgencyId == agencyId)
            .OrderByDescending(r => r.CreatedAt)
            .Select(r => new { Request = r, ClipsReceived = db.Disclosures.Where(live).Count(d => d.RequestId == r.Id && d.AgencyId == agencyId) })
            .ToListAsync(cancellationToken);
        return requests.Select(x => new AgencyRequestSummary(x.Request.Id, x.Request.CaseNumber, x.Request.IncidentType, x.Request.WindowStart,
                x.Request.WindowEnd, x.Request.CreatedAt, x.Request.ExpiresAt, x.Request.StatusAt(now), x.ClipsReceived))
            .ToList();
    }

    /// <summary>The request and the clips live for the agency; null for a request of another agency or none at all.</summary>
    public async Task<AgencyRequestDetail?> GetAsync(ClaimsPrincipal user, Guid requestId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var agencyId = await AgencyOfAsync(db, user, cancellationToken);
        var request = await db.FootageRequests.AsNoTracking()
            .Where(r => r.Id == requestId && r.AgencyId == agencyId)
            .Select(r => new { Request = r, OfficerName = r.Officer!.DisplayName })
            .FirstOrDefaultAsync(cancellationToken);
        if (request is null)
        {
            return null;
        }

        // Residents are numbered by their first disclosure for this request, so a label never changes later.
        var disclosures = await db.Disclosures.AsNoTracking()
            .Where(d => d.RequestId == requestId && d.AgencyId == agencyId)
            .OrderBy(d => d.DisclosedAt).ThenBy(d => d.Id)
            .Select(d => new
            {
                Disclosure = d,
                d.Clip!.RecordedStart, d.Clip.RecordedEnd,
                d.Resident!.DisplayName, d.Resident.Email, d.Resident.PhoneNumber, d.Resident.PostalAddress,
            })
            .ToListAsync(cancellationToken);
        var numbers = disclosures.Select(x => x.Disclosure.ResidentId).Distinct().Select((id, index) => (id, index + 1)).ToDictionary(p => p.id, p => p.Item2);
        var clips = disclosures
            .Where(x => x.Disclosure.IsLiveAt(now))
            .Select(x => new SharedClip(x.Disclosure.ClipId,
                ResidentLabel(numbers[x.Disclosure.ResidentId], x.Disclosure.RevealedContactFields, x.DisplayName, x.Email, x.PhoneNumber, x.PostalAddress),
                x.RecordedStart, x.RecordedEnd, x.Disclosure.ClipSha256, x.Disclosure.DisclosedAt, x.Disclosure.AccessExpiresAt, x.Disclosure.AllowDownload))
            .ToList();
        var r = request.Request;
        return new AgencyRequestDetail(r.Id, r.CaseNumber, r.IncidentType, r.Description, request.OfficerName, r.OfficerContact,
            r.CenterLatitude, r.CenterLongitude, r.RadiusMeters, r.WindowStart, r.WindowEnd, r.CreatedAt, r.ExpiresAt,
            r.StatusAt(now), r.OpenedAt, r.RejectionReason, clips);
    }

    /// <summary>
    /// Files a request after the same rules the form applies, and notifies every matching resident in the same
    /// transaction. Returns only the new id: how many were notified goes to the audit log, never to the officer.
    /// </summary>
    public async Task<Guid> FileAsync(ClaimsPrincipal user, FootageRequestInput input, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var officerId = user.RequireRole(Roles.Officer);
        var now = time.GetUtcNow().UtcDateTime;
        await using var reads = await dbFactory.CreateDbContextAsync(cancellationToken);
        var agencyId = await AgencyOfAsync(reads, user, cancellationToken);
        var agency = await reads.Agencies.AsNoTracking().Where(a => a.Id == agencyId).Select(a => new { a.IsActive, a.RequiresReview }).SingleAsync(cancellationToken);
        if (!agency.IsActive)
        {
            throw new ActionRefusedException(text["Your agency has been deactivated, so it cannot file new requests. Ask your administrator."]);
        }

        // Checked before the write lock is taken, and the area searched: neither needs the lock.
        await validator.EnsureValidAsync(new RequestFiling(agencyId, input), cancellationToken);
        List<string> found = agency.RequiresReview
            ? []
            : await NoticeFanOut.FindResidentsAsync(reads, agencyId, input.CenterLatitude!.Value, input.CenterLongitude!.Value, input.RadiusMeters!.Value, cancellationToken);
        var (requestId, notified) = await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            // Checked again inside the write lock, so two officers cannot both file the last request allowed for a case.
            await validator.EnsureValidAsync(new RequestFiling(agencyId, input), db, cancellationToken);
            var request = new FootageRequest
            {
                Id = Guid.NewGuid(),
                AgencyId = agencyId,
                OfficerId = officerId,
                CaseNumber = input.CaseNumber.Trim(),
                IncidentType = input.IncidentType!.Value,
                Description = input.Description.Trim(),
                OfficerContact = input.OfficerContact.Trim(),
                CenterLatitude = input.CenterLatitude!.Value,
                CenterLongitude = input.CenterLongitude!.Value,
                RadiusMeters = input.RadiusMeters!.Value,
                WindowStart = input.WindowStart!.Value,
                WindowEnd = input.WindowEnd!.Value,
                CreatedAt = now,
                // Awaiting review, this keeps the length the officer chose; approval starts the open period then.
                ExpiresAt = now.AddDays(input.ExpiresInDays),
            };
            if (agency.RequiresReview)
            {
                await NoticeFanOut.AddRequestForReviewAsync(db, audit, request, cancellationToken);
                return (request.Id, new List<RequestNotice>());
            }

            var notices = await NoticeFanOut.AddRequestWithNoticesAsync(db, audit, request, found, cancellationToken);
            await noticeMail.QueueAsync(db, request, notices, cancellationToken);
            return (request.Id, notices);
        }, cancellationToken);

        notifier.Publish(notified.Select(n => n.ResidentId));
        outbox.Wake();

        // Writing one notice per resident takes time, so how long filing took would hint at how many were notified.
        // Every successful filing answers after the same floor instead.
        await WaitForFloorAsync(started, cancellationToken);
        return requestId;
    }

    /// <summary>Waits until <see cref="FilingResponseFloor"/> has passed since <paramref name="started"/>.</summary>
    public static async Task WaitForFloorAsync(long started, CancellationToken cancellationToken)
    {
        var left = FilingResponseFloor - System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, cancellationToken);
        }
    }

    /// <summary>Withdraws an open request: pending notices close, answers already given stay, and it is logged.</summary>
    public async Task WithdrawAsync(ClaimsPrincipal user, Guid requestId, CancellationToken cancellationToken = default)
    {
        var officerId = user.RequireRole(Roles.Officer);
        var now = time.GetUtcNow().UtcDateTime;
        int agencyId;
        await using (var reads = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            agencyId = await AgencyOfAsync(reads, user, cancellationToken);
        }

        var withdrawn = await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            var request = await db.FootageRequests.FirstOrDefaultAsync(r => r.Id == requestId && r.AgencyId == agencyId, cancellationToken)
                ?? throw new ActionRefusedException(text[NotFound]);
            if (!request.IsOpenAt(now) && request.Status != RequestStatus.PendingReview)
            {
                throw new ActionRefusedException(text["This request is already {0}.", text[request.StatusAt(now).Label()].Value.ToLowerInvariant()]);
            }

            request.Status = RequestStatus.Withdrawn;
            request.ClosedAt = now;
            var pending = await db.RequestNotices.Where(n => n.RequestId == requestId && n.Status == NoticeStatus.Pending).ToListAsync(cancellationToken);
            foreach (var notice in pending)
            {
                notice.Status = NoticeStatus.Withdrawn;
            }

            await audit.AppendAsync(AuditActors.User(officerId), $"request:{request.Id}",
                new RequestWithdrawn(request.AgencyId, request.CaseNumber, now), cancellationToken: cancellationToken);

            return pending.Select(n => n.ResidentId).ToList();
        }, cancellationToken);
        notifier.Publish(withdrawn);
    }

    /// <summary>The legal demands the officer's agency served, newest first, each with its live produced clips.</summary>
    public async Task<IReadOnlyList<AgencyLegalDemand>> ListLegalDemandsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var agencyId = await AgencyOfAsync(db, user, cancellationToken);
        var demands = await db.LegalDemands.AsNoTracking().Where(d => d.AgencyId == agencyId).OrderByDescending(d => d.RecordedAt).ToListAsync(cancellationToken);
        var ids = demands.Select(d => d.Id).ToList();
        var clips = await db.Disclosures.AsNoTracking()
            .Where(d => d.AgencyId == agencyId && d.LegalDemandId != null && ids.Contains(d.LegalDemandId.Value))
            .Where(Disclosure.Live.At(now))
            .OrderBy(d => d.Clip!.RecordedStart)
            .Select(d => new { DemandId = d.LegalDemandId!.Value, d.ClipId, d.Clip!.RecordedStart, d.Clip.RecordedEnd, d.ClipSha256, d.DisclosedAt, d.AccessExpiresAt, d.AllowDownload })
            .ToListAsync(cancellationToken);
        return demands.Select(d => new AgencyLegalDemand(d.Id, d.Basis, d.Citation, d.Description, d.RecordedAt,
                clips.Where(c => c.DemandId == d.Id)
                    .Select(c => new SharedClip(c.ClipId, "Named in the demand", c.RecordedStart, c.RecordedEnd, c.ClipSha256, c.DisclosedAt, c.AccessExpiresAt, c.AllowDownload))
                    .ToList()))
            .ToList();
    }

    /// <summary>What the form suggests as the contact residents see: the officer's name and e-mail.</summary>
    public async Task<string> SuggestedContactAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var officerId = user.RequireRole(Roles.Officer);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var officer = await db.Users.Where(u => u.Id == officerId).Select(u => new { u.DisplayName, u.Email }).SingleAsync(cancellationToken);
        return $"{officer.DisplayName}, {officer.Email}";
    }

    /// <summary>"Neighbor 3", or exactly the fields the resident chose to reveal.</summary>
    private string ResidentLabel(int number, ContactFields revealed, string name, string? email, string? phone, string? address)
    {
        var parts = new List<string>();
        if (revealed.HasFlag(ContactFields.Name) && !string.IsNullOrWhiteSpace(name)) parts.Add(name);
        if (revealed.HasFlag(ContactFields.Email) && !string.IsNullOrWhiteSpace(email)) parts.Add(email);
        if (revealed.HasFlag(ContactFields.Phone) && !string.IsNullOrWhiteSpace(phone)) parts.Add(phone);
        if (revealed.HasFlag(ContactFields.Address) && !string.IsNullOrWhiteSpace(address)) parts.Add(address);
        return parts.Count == 0 ? text["Neighbor {0}", number] : string.Join(" · ", parts);
    }

    private static async Task<int> AgencyOfAsync(ApplicationDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var officerId = user.RequireRole(Roles.Officer);
        return await db.Users.Where(u => u.Id == officerId).Select(u => u.AgencyId).SingleOrDefaultAsync(cancellationToken)
            ?? throw new UnauthorizedAccessException("This officer account is not attached to an agency.");
    }
}
