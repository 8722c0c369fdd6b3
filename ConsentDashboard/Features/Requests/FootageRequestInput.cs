using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Data;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Requests;

/// <summary>What an officer fills in. Times are UTC; the agency is the officer's own and never comes from the form.</summary>
public sealed class FootageRequestInput
{
    public string CaseNumber { get; set; } = "";

    public IncidentType? IncidentType { get; set; }

    public string Description { get; set; } = "";

    public string OfficerContact { get; set; } = "";

    public double? CenterLatitude { get; set; }

    public double? CenterLongitude { get; set; }

    public double? RadiusMeters { get; set; }

    public DateTime? WindowStart { get; set; }

    public DateTime? WindowEnd { get; set; }

    public int ExpiresInDays { get; set; } = 7;
}

/// <summary>A request as the service files it: the officer's input, for the officer's own agency.</summary>
public sealed record RequestFiling(int AgencyId, FootageRequestInput Input);

/// <summary>
/// The request rules on what the officer enters: the form runs them field by field as the officer types, and
/// <see cref="RequestFilingValidator"/> runs them again in the service before saving.
/// </summary>
public sealed class FootageRequestInputValidator : AbstractValidator<FootageRequestInput>
{
    public FootageRequestInputValidator(IOptions<RequestLimits> options, TimeProvider time, IStringLocalizer<AppText> text)
    {
        var limits = options.Value;
        RuleFor(i => i.CaseNumber).Cascade(CascadeMode.Stop)
            .Must(c => !string.IsNullOrWhiteSpace(c)).WithMessage(_ => text["Enter the case number."])
            .MaximumLength(40).WithMessage(_ => text["A case number has at most 40 characters."]);
        RuleFor(i => i.IncidentType).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage(_ => text["Choose the incident type."])
            .IsInEnum().WithMessage(_ => text["Choose an incident type from the list."]);
        RuleFor(i => i.Description).Cascade(CascadeMode.Stop)
            .Must((input, d) => input.IncidentType != IncidentType.Other || !string.IsNullOrWhiteSpace(d))
            .WithMessage(_ => text["Describe the incident: “Other” needs a description."])
            .Must(d => !string.IsNullOrWhiteSpace(d)).WithMessage(_ => text["Describe what happened, so residents can judge the request."])
            .MaximumLength(2000).WithMessage(_ => text["Keep the description to 2,000 characters."]);
        RuleFor(i => i.OfficerContact).Cascade(CascadeMode.Stop)
            .Must(c => !string.IsNullOrWhiteSpace(c)).WithMessage(_ => text["Enter how residents can reach the officer in charge."])
            .MaximumLength(200).WithMessage(_ => text["Keep the contact to 200 characters."]);
        RuleFor(i => i.CenterLatitude).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage(_ => text["Enter the latitude of the centre."])
            .InclusiveBetween(-90, 90).WithMessage(_ => text["Latitude is between -90 and 90 degrees."]);
        RuleFor(i => i.CenterLongitude).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage(_ => text["Enter the longitude of the centre."])
            .InclusiveBetween(-180, 180).WithMessage(_ => text["Longitude is between -180 and 180 degrees."]);
        RuleFor(i => i.RadiusMeters).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage(_ => text["Enter the radius."])
            .Must(r => GeoArea.SquareMiles(r!.Value) >= limits.MinAreaSquareMiles && GeoArea.SquareMiles(r.Value) <= limits.MaxAreaSquareMiles)
            .WithMessage(_ => text["The area must be between {0} and {1} square miles (a radius of {2} to {3} m).",
                limits.MinAreaSquareMiles.ToString("0.###"), limits.MaxAreaSquareMiles.ToString("0.###"),
                Math.Ceiling(limits.MinRadiusMeters).ToString("0"), Math.Floor(limits.MaxRadiusMeters).ToString("0")]);
        RuleFor(i => i.WindowStart).NotNull().WithMessage(_ => text["Enter when the window starts."]);
        RuleFor(i => i.WindowEnd).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage(_ => text["Enter when the window ends."])
            .Must((input, end) => end > input.WindowStart).WithMessage(_ => text["The window must end after it starts."])
            .Must((input, end) => end - input.WindowStart >= limits.MinWindow)
            .WithMessage(_ => text["The window must be at least {0} minutes long.", limits.MinWindow.TotalMinutes.ToString("0")])
            .Must((input, end) => end - input.WindowStart <= limits.MaxWindow)
            .WithMessage(_ => text["The window can be at most {0} hours long.", limits.MaxWindow.TotalHours.ToString("0.##")])
            .Must(end => end <= time.GetUtcNow().UtcDateTime)
            .WithMessage(_ => text["The window must be entirely in the past: footage of the future cannot be requested."])
            .When(i => i.WindowStart is not null);
        RuleFor(i => i.ExpiresInDays)
            .InclusiveBetween(1, limits.MaxExpiryDays).WithMessage(_ => text["A request stays open for 1 to {0} days.", limits.MaxExpiryDays]);
    }
}

/// <summary>
/// What the service checks before filing: every rule of the form, plus the rules that need the agency, so a request
/// that skips the form meets the same rules and more.
/// </summary>
public sealed class RequestFilingValidator : AbstractValidator<RequestFiling>
{
    public RequestFilingValidator(IValidator<FootageRequestInput> inputRules, IOptions<RequestLimits> options, IDbContextFactory<ApplicationDbContext> dbFactory, IStringLocalizer<AppText> text)
    {
        var limits = options.Value;
        RuleFor(f => f.Input).SetValidator(inputRules);
        RuleFor(f => f.Input.CaseNumber)
            .MustAsync((filing, caseNumber, context, cancellationToken) => context.ReadAsync(dbFactory, async db =>
            {
                var trimmed = caseNumber.Trim();
                return await db.FootageRequests.CountAsync(r => r.AgencyId == filing.AgencyId && r.CaseNumber == trimmed, cancellationToken)
                    < limits.MaxRequestsPerCase;
            }, cancellationToken))
            .WithMessage(_ => text["Your agency has already filed {0} requests for this case, the most allowed.", limits.MaxRequestsPerCase])
            .When(f => !string.IsNullOrWhiteSpace(f.Input.CaseNumber));
    }
}
