using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Admin;

/// <summary>Who an admin invites: a name, an e-mail address, a staff role, and the agency when the role is Officer.</summary>
public sealed class StaffInviteInput
{
    public string Email { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string? Role { get; set; }

    public int? AgencyId { get; set; }
}

public sealed class StaffInviteInputValidator : AbstractValidator<StaffInviteInput>
{
    public StaffInviteInputValidator(IDbContextFactory<ApplicationDbContext> dbFactory, IStringLocalizer<AppText> text)
    {
        RuleFor(i => i.Email).Cascade(CascadeMode.Stop)
            .Must(e => !string.IsNullOrWhiteSpace(e)).WithMessage(_ => text["Enter the e-mail address the invitation goes to."])
            .MaximumLength(256).WithMessage(_ => text["Keep the e-mail address to 256 characters."])
            .EmailAddress().WithMessage(_ => text["Enter an e-mail address such as name@police.example."])
            .MustAsync((_, email, context, cancellationToken) => context.ReadAsync(dbFactory, async db =>
            {
                var normalized = email.Trim().ToUpperInvariant();
                return !await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken);
            }, cancellationToken))
            .WithMessage(_ => text["An account with this e-mail address already exists."]);
        RuleFor(i => i.DisplayName).Cascade(CascadeMode.Stop)
            .Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage(_ => text["Enter the person's name as colleagues and auditors will see it."])
            .MaximumLength(100).WithMessage(_ => text["Keep the name to 100 characters."]);
        RuleFor(i => i.Role).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage(_ => text["Choose a role."])
            .Must(r => Roles.Staff.Contains(r!)).WithMessage(_ => text["Choose Officer, Auditor, Reviewer or Admin."]);
        RuleFor(i => i.AgencyId).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage(_ => text["An officer belongs to an agency: choose one."])
            .MustAsync(async (agencyId, cancellationToken) =>
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                return await db.Agencies.AnyAsync(a => a.Id == agencyId && a.IsActive, cancellationToken);
            })
            .WithMessage(_ => text["Choose an active agency from the list."])
            .When(i => i.Role == Roles.Officer);
        RuleFor(i => i.AgencyId).Null().WithMessage(_ => text["Only officers belong to an agency."]).When(i => i.Role is not null && i.Role != Roles.Officer);
    }
}
