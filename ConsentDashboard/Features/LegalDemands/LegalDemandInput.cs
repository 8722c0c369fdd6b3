using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.LegalDemands;

/// <summary>What an admin records for a legal demand. The document's bytes travel beside it; its name and size are here.</summary>
public sealed class LegalDemandInput
{
    public int? AgencyId { get; set; }

    public LegalBasis? Basis { get; set; }

    public string Court { get; set; } = "";

    public string Reference { get; set; } = "";

    public DateTime? DocumentDate { get; set; }

    public string Description { get; set; } = "";

    /// <summary>The attached document's size; 0 when none is attached.</summary>
    public long DocumentSize { get; set; }

    public string ResidentEmail { get; set; } = "";

    public List<Guid> CameraIds { get; set; } = [];

    public DateTime? CoveredFrom { get; set; }

    public DateTime? CoveredTo { get; set; }

    public List<Guid> ClipIds { get; set; } = [];

    public bool AllowDownload { get; set; }

    public int AccessDays { get; set; } = 90;

    /// <summary>False for the default: the resident is told at once.</summary>
    public bool DelayNotice { get; set; }

    public DateTime? NoticeAt { get; set; }

    public string NoticeDelayReason { get; set; } = "";
}

/// <summary>
/// The rules a legal demand must meet, on every path: a document, a basis other than consent, the resident's own cameras,
/// clips only of those cameras overlapping the covered range, and a notice delayed only with a reason, to a date within the
/// limit (a shorter one for emergencies).
/// </summary>
public sealed class LegalDemandInputValidator : AbstractValidator<LegalDemandInput>
{
    public LegalDemandInputValidator(IDbContextFactory<ApplicationDbContext> dbFactory, IOptions<LegalDemandOptions> options, TimeProvider time, IStringLocalizer<AppText> text)
    {
        var limits = options.Value;
        RuleFor(i => i.AgencyId).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage(_ => text["Choose the agency that served the demand."])
            .MustAsync(async (id, ct) =>
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                return await db.Agencies.AnyAsync(a => a.Id == id && a.IsActive, ct);
            }).WithMessage(_ => text["Choose an active agency from the list."]);
        RuleFor(i => i.Basis).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage(_ => text["Choose the legal basis: warrant, court order, subpoena or emergency."])
            .Must(b => b != LegalBasis.Consent).WithMessage(_ => text["A legal demand is not consent: choose warrant, court order, subpoena or emergency."]);
        RuleFor(i => i.Court).Cascade(CascadeMode.Stop)
            .Must(c => !string.IsNullOrWhiteSpace(c)).WithMessage(_ => text["Enter the court or authority that issued the document."])
            .MaximumLength(200).WithMessage(_ => text["Keep the court to 200 characters."]);
        RuleFor(i => i.Reference).Cascade(CascadeMode.Stop)
            .Must(r => !string.IsNullOrWhiteSpace(r)).WithMessage(_ => text["Enter the document's docket or reference number."])
            .MaximumLength(100).WithMessage(_ => text["Keep the reference to 100 characters."]);
        RuleFor(i => i.DocumentDate).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage(_ => text["Enter the date on the document."])
            .Must(d => d!.Value.Date <= time.GetUtcNow().UtcDateTime.Date).WithMessage(_ => text["The document's date cannot be in the future."]);
        RuleFor(i => i.Description).MaximumLength(2000).WithMessage(_ => text["Keep the description to 2,000 characters."]);
        RuleFor(i => i.DocumentSize).Cascade(CascadeMode.Stop)
            .GreaterThan(0).WithMessage(_ => text["Attach the document itself, as a PDF."])
            .LessThanOrEqualTo(limits.MaxDocumentBytes).WithMessage(_ => text["The document is larger than the {0} MB limit.", limits.MaxDocumentBytes / (1024 * 1024)]);
        RuleFor(i => i.ResidentEmail).Cascade(CascadeMode.Stop)
            .Must(e => !string.IsNullOrWhiteSpace(e)).WithMessage(_ => text["Enter the e-mail address of the resident whose footage it covers."])
            .MustAsync(async (email, ct) => await ResidentIdAsync(dbFactory, email, ct) is not null)
            .WithMessage(_ => text["No resident has this e-mail address."]);
        RuleFor(i => i.CameraIds).NotEmpty().WithMessage(_ => text["Choose the cameras the document covers."]);
        RuleFor(i => i.CoveredFrom).NotNull().WithMessage(_ => text["Enter when the covered time range starts."]);
        RuleFor(i => i.CoveredTo).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage(_ => text["Enter when the covered time range ends."])
            .Must((i, to) => i.CoveredFrom is null || to > i.CoveredFrom).WithMessage(_ => text["The covered range must end after it starts."]);
        RuleFor(i => i.ClipIds).NotEmpty().WithMessage(_ => text["Choose the clips produced."]);
        RuleFor(i => i).CustomAsync(async (input, context, ct) =>
        {
            if (input.CameraIds.Count == 0 || input.CoveredFrom is not { } from || input.CoveredTo is not { } to || to <= from)
            {
                return;
            }

            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var residentId = await ResidentIdAsync(dbFactory, input.ResidentEmail, ct);
            var owned = await db.Cameras.CountAsync(c => input.CameraIds.Contains(c.Id) && c.OwnerId == residentId, ct);
            if (owned != input.CameraIds.Distinct().Count())
            {
                context.AddFailure(nameof(LegalDemandInput.CameraIds), "Choose only cameras of this resident.");
                return;
            }

            var covered = await db.Clips.CountAsync(c => input.ClipIds.Contains(c.Id) && input.CameraIds.Contains(c.CameraId)
                && c.RecordedStart < to && c.RecordedEnd > from, ct);
            if (covered != input.ClipIds.Distinct().Count())
            {
                context.AddFailure(nameof(LegalDemandInput.ClipIds),
                    "Only clips of the chosen cameras that overlap the covered time range can be produced.");
            }
        });
        RuleFor(i => i.AccessDays).InclusiveBetween(1, limits.MaxAccessDays)
            .WithMessage(_ => text["The agency's access lasts between 1 and {0} days.", limits.MaxAccessDays]);
        When(i => i.DelayNotice, () =>
        {
            RuleFor(i => i.NoticeDelayReason).Cascade(CascadeMode.Stop)
                .Must(r => !string.IsNullOrWhiteSpace(r) && r.Trim().Length >= 10).WithMessage(_ => text["A delayed notice needs a reason of at least 10 characters."])
                .MaximumLength(1000).WithMessage(_ => text["Keep the reason to 1,000 characters."]);
            RuleFor(i => i.NoticeAt).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage(_ => text["Enter the date the resident is to be told."])
                .Must(at => at > time.GetUtcNow().UtcDateTime).WithMessage(_ => text["A delayed notice's date must be in the future."])
                .Must((i, at) => at <= time.GetUtcNow().UtcDateTime.AddDays(MaxDelayDays(i, limits)))
                .WithMessage(i => i.Basis == LegalBasis.Emergency
                    ? $"An emergency demand's notice can be delayed by at most {limits.MaxEmergencyNoticeDelayDays} days."
                    : $"A notice can be delayed by at most {limits.MaxNoticeDelayDays} days.");
        });
    }

    public static int MaxDelayDays(LegalDemandInput input, LegalDemandOptions limits) =>
        input.Basis == LegalBasis.Emergency ? limits.MaxEmergencyNoticeDelayDays : limits.MaxNoticeDelayDays;

    public static async Task<string?> ResidentIdAsync(IDbContextFactory<ApplicationDbContext> dbFactory, string email, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var normalized = email.Trim().ToUpperInvariant();
        return await db.MembersOf([Roles.Resident]).Where(m => m.Account.NormalizedEmail == normalized).Select(m => m.Account.Id).FirstOrDefaultAsync(cancellationToken);
    }
}
