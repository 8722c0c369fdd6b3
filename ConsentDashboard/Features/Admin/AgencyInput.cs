using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Data;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Admin;

/// <summary>What an admin enters for an agency. <see cref="Id"/> is null for a new one.</summary>
public sealed class AgencyInput
{
    public int? Id { get; set; }

    public string Name { get; set; } = "";

    public string Jurisdiction { get; set; } = "";

    public string? ContactEmail { get; set; }

    /// <summary>Requests wait for a reviewer's approval before any resident is notified. On for a new agency.</summary>
    public bool RequiresReview { get; set; } = true;
}

public sealed class AgencyInputValidator : AbstractValidator<AgencyInput>
{
    public AgencyInputValidator(IDbContextFactory<ApplicationDbContext> dbFactory, IStringLocalizer<AppText> text)
    {
        RuleFor(a => a.Name).Cascade(CascadeMode.Stop)
            .Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage(_ => text["Enter the agency's name."])
            .MaximumLength(200).WithMessage(_ => text["Keep the name to 200 characters."])
            .MustAsync((input, name, context, cancellationToken) => context.ReadAsync(dbFactory, async db =>
            {
                var trimmed = name.Trim();
                return !await db.Agencies.AnyAsync(a => a.Name == trimmed && a.Id != input.Id, cancellationToken);
            }, cancellationToken))
            .WithMessage(_ => text["Another agency already has this name."]);
        RuleFor(a => a.Jurisdiction).Cascade(CascadeMode.Stop)
            .Must(j => !string.IsNullOrWhiteSpace(j)).WithMessage(_ => text["Enter the jurisdiction, such as the city or county."])
            .MaximumLength(200).WithMessage(_ => text["Keep the jurisdiction to 200 characters."]);
        RuleFor(a => a.ContactEmail).Cascade(CascadeMode.Stop)
            .MaximumLength(256).WithMessage(_ => text["Keep the e-mail address to 256 characters."])
            .EmailAddress().WithMessage(_ => text["Enter an e-mail address such as records@police.example, or leave it empty."])
            .When(a => !string.IsNullOrWhiteSpace(a.ContactEmail));
    }
}
