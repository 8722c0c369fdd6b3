using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Mail;
using ConsentDashboard.Infrastructure.Validation;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Review;

/// <summary>A request waiting for review, with everything the officer entered.</summary>
public sealed record PendingRequest(
    Guid Id,
    string AgencyName,
    string OfficerName,
    string CaseNumber,
    IncidentType IncidentType,
    string Description,
    string OfficerContact,
    double CenterLatitude,
    double CenterLongitude,
    double RadiusMeters,
    DateTime WindowStart,
    DateTime WindowEnd,
    DateTime CreatedAt,
    int OpenForDays);

/// <summary>Why a reviewer rejects a request: the officer reads it.</summary>
public sealed class RejectionInput
{
    public string Reason { get; set; } = "";
}

public sealed class RejectionInputValidator : AbstractValidator<RejectionInput>
{
    public const int MaxReasonLength = 1000;

    public RejectionInputValidator(IStringLocalizer<AppText> text)
    {
        RuleFor(i => i.Reason).Cascade(CascadeMode.Stop)
            .Must(r => !string.IsNullOrWhiteSpace(r)).WithMessage(_ => text["Say why the request is rejected: the officer reads this."])
            .Must(r => r.Trim().Length >= 10).WithMessage(_ => text["Give the officer a reason of at least 10 characters."])
            .MaximumLength(MaxReasonLength).WithMessage(_ => text["Keep the reason to {0} characters.", MaxReasonLength]);
    }
}

/// <summary>
/// Civilian review before fan-out. A reviewer approves (residents are notified in the approval's own transaction, and the
/// open period starts then) or rejects with a reason (nobody is ever notified). Each decision is an audit entry naming
/// the reviewer. A reviewer sees what the officer entered, never who or how many were notified.
/// </summary>
public sealed class ReviewService(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    AuditLog auditLog,
    IValidator<RejectionInput> rejectionValidator,
    InboxNotifier notifier,
    RequestNoticeMail noticeMail,
    MailOutbox outbox,
    TimeProvider time,
    IStringLocalizer<AppText> text)
{
    public const string NotFound = "This request does not exist.";

    /// <summary>Every request waiting for review, oldest first.</summary>
    public async Task<IReadOnlyList<PendingRequest>> ListPendingAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        user.RequireRole(Roles.Reviewer);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.FootageRequests.AsNoTracking()
            .Where(r => r.Status == RequestStatus.PendingReview)
            .OrderBy(r => r.CreatedAt)
            .Select(r => new { Request = r, Agency = r.Agency!.Name, Officer = r.Officer!.DisplayName })
            .ToListAsync(cancellationToken);
        return rows.Select(x => new PendingRequest(x.Request.Id, x.Agency, x.Officer, x.Request.CaseNumber, x.Request.IncidentType,
                x.Request.Description, x.Request.OfficerContact, x.Request.CenterLatitude, x.Request.CenterLongitude, x.Request.RadiusMeters,
                x.Request.WindowStart, x.Request.WindowEnd, x.Request.CreatedAt, OpenForDays(x.Request)))
            .ToList();
    }

    /// <summary>
    /// Approves: the request opens now for the days the officer chose, and every matching resident is notified in this
    /// transaction. Answers after the same floor as filing, so its timing says nothing about how many were notified.
    /// </summary>
    public async Task ApproveAsync(ClaimsPrincipal user, Guid requestId, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var reviewerId = user.RequireRole(Roles.Reviewer);
        var now = time.GetUtcNow().UtcDateTime;
        List<string> found;
        await using (var reads = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // The area is searched before the write lock is taken: it is the costly part and needs no lock.
            var pending = await PendingAsync(reads, requestId, cancellationToken);
            found = await NoticeFanOut.FindResidentsAsync(reads, pending.AgencyId, pending.CenterLatitude, pending.CenterLongitude, pending.RadiusMeters, cancellationToken);
        }

        var notices = await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            // Read again inside the write lock: of two reviewers deciding at once, the second finds it decided.
            var request = await PendingAsync(db, requestId, cancellationToken);
            if (!await db.Agencies.AnyAsync(a => a.Id == request.AgencyId && a.IsActive, cancellationToken))
            {
                throw new ActionRefusedException(text["The agency has been deactivated since it filed this request; reject it instead."]);
            }

            var openFor = request.ExpiresAt - request.CreatedAt;
            request.Status = RequestStatus.Open;
            request.OpenedAt = now;
            request.ExpiresAt = now + openFor;
            request.ReviewedById = reviewerId;
            request.ReviewedAt = now;
            var added = await NoticeFanOut.WriteNoticesAsync(db, request, found, cancellationToken);
            await noticeMail.QueueAsync(db, request, added, cancellationToken);
            await audit.AppendAsync(AuditActors.User(reviewerId), $"request:{request.Id}",
                new RequestApproved(request.AgencyId, request.CaseNumber, request.ExpiresAt, added.Count), cancellationToken: cancellationToken);
            return added;
        }, cancellationToken);

        notifier.Publish(notices.Select(n => n.ResidentId));
        outbox.Wake();
        await AgencyRequestService.WaitForFloorAsync(started, cancellationToken);
    }

    /// <summary>Rejects with a reason the officer sees; nobody is notified, now or later.</summary>
    public async Task RejectAsync(ClaimsPrincipal user, Guid requestId, RejectionInput input, CancellationToken cancellationToken = default)
    {
        var reviewerId = user.RequireRole(Roles.Reviewer);
        await rejectionValidator.EnsureValidAsync(input, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            var request = await PendingAsync(db, requestId, cancellationToken);
            request.Status = RequestStatus.Rejected;
            request.ClosedAt = now;
            request.ReviewedById = reviewerId;
            request.ReviewedAt = now;
            request.RejectionReason = input.Reason.Trim();
            await audit.AppendAsync(AuditActors.User(reviewerId), $"request:{request.Id}",
                new RequestRejected(request.AgencyId, request.CaseNumber, request.RejectionReason), cancellationToken: cancellationToken);
        }, cancellationToken);
    }

    private async Task<FootageRequest> PendingAsync(ApplicationDbContext db, Guid requestId, CancellationToken cancellationToken)
    {
        var request = await db.FootageRequests.FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken)
            ?? throw new ActionRefusedException(text[NotFound]);
        return request.Status switch
        {
            RequestStatus.PendingReview => request,
            RequestStatus.Rejected => throw new ActionRefusedException(request.ReviewedAt is { } rejectedAt
                ? text["Case {0} was already rejected on {1} UTC.", request.CaseNumber, rejectedAt.ToString("yyyy-MM-dd HH:mm")]
                : text["Case {0} was already rejected.", request.CaseNumber]),
            RequestStatus.Withdrawn when request.ReviewedAt is null =>
                throw new ActionRefusedException(text["The officer withdrew case {0} before it was reviewed.", request.CaseNumber]),
            _ => throw new ActionRefusedException(request.ReviewedAt is { } approvedAt
                ? text["Case {0} was already approved on {1} UTC.", request.CaseNumber, approvedAt.ToString("yyyy-MM-dd HH:mm")]
                : text["Case {0} was already approved.", request.CaseNumber]),
        };
    }

    private static int OpenForDays(FootageRequest request) => (int)Math.Round((request.ExpiresAt - request.CreatedAt).TotalDays);
}
