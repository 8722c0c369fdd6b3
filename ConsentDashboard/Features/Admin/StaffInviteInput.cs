using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

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
    public StaffInviteInputValidator(IDbContextFactory<ApplicationDbContext> dbFactory)
    {
        RuleFor(i => i.Email).Cascade(CascadeMode.Stop)
            .Must(e => !string.IsNullOrWhiteSpace(e)).WithMessage("Enter the e-mail address the invitation goes to.")
            .MaximumLength(256).WithMessage("Keep the e-mail address to 256 characters.")
            .EmailAddress().WithMessage("Enter an e-mail address such as name@police.example.")
            .MustAsync(async (email, cancellationToken) =>
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                var normalized = email.Trim().ToUpperInvariant();
                return !await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken);
            })
            .WithMessage("An account with this e-mail address already exists.");
        RuleFor(i => i.DisplayName).Cascade(CascadeMode.Stop)
            .Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("Enter the person's name as colleagues and auditors will see it.")
            .MaximumLength(100).WithMessage("Keep the name to 100 characters.");
        RuleFor(i => i.Role).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Choose a role.")
            .Must(r => Roles.Staff.Contains(r!)).WithMessage("Choose Officer, Auditor, Reviewer or Admin.");
        RuleFor(i => i.AgencyId).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("An officer belongs to an agency: choose one.")
            .MustAsync(async (agencyId, cancellationToken) =>
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                return await db.Agencies.AnyAsync(a => a.Id == agencyId && a.IsActive, cancellationToken);
            })
            .WithMessage("Choose an active agency from the list.")
            .When(i => i.Role == Roles.Officer);
        RuleFor(i => i.AgencyId).Null().WithMessage("Only officers belong to an agency.").When(i => i.Role is not null && i.Role != Roles.Officer);
    }
}
