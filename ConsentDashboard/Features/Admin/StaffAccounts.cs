using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Mail;
using ConsentDashboard.Infrastructure.Validation;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.Admin;

/// <summary>
/// Staff accounts: the first admin from the command line, invitations, disabling, moving officers, and choosing the first
/// password from a link. Each operation runs in a scope of its own, so Identity's user manager and the audit scope share
/// one short-lived context and one transaction: the account, its audit entry and its e-mail are stored together or not at all.
/// </summary>
public sealed class StaffAccounts(
    IServiceScopeFactory scopes,
    AuditLog auditLog,
    MailOutbox outbox,
    IValidator<StaffInviteInput> inviteValidator,
    TimeProvider time)
{
    public const string NotFound = "This staff account does not exist.";

    /// <summary>
    /// Creates a confirmed admin with no password and returns the link to choose one (valid 24 hours), or sets
    /// <paramref name="password"/> and returns null. Refused for an address in use or one that is not an address.
    /// </summary>
    public async Task<string?> CreateFirstAdminAsync(string email, string name, string? password, CancellationToken cancellationToken = default)
    {
        email = email.Trim();
        name = name.Trim();
        if (!new EmailAddressAttribute().IsValid(email) || email.Length > 256)
        {
            throw new ActionRefusedException($"\"{email}\" is not an e-mail address.");
        }

        if (name.Length is 0 or > 100)
        {
            throw new ActionRefusedException("The name must have 1 to 100 characters.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByEmailAsync(email) is { } existing)
        {
            var roles = await users.GetRolesAsync(existing);
            throw new ActionRefusedException(roles.Contains(Roles.Admin)
                ? $"{email} is already an admin. To choose a new password, use \"Forgot your password?\" on the sign-in page."
                : $"{email} already has an account as {string.Join(", ", roles.DefaultIfEmpty("a resident")).ToLowerInvariant()}; an admin needs an address of its own.");
        }

        return await auditLog.WriteAsync(async (_, audit, cancellationToken) =>
        {
            await audit.EnlistAsync(scope.ServiceProvider.GetRequiredService<ApplicationDbContext>(), cancellationToken);
            var admin = NewAccount(email, name, agencyId: null);
            admin.EmailConfirmed = true;
            Check(password is null ? await users.CreateAsync(admin) : await users.CreateAsync(admin, password));
            Check(await users.AddToRoleAsync(admin, Roles.Admin));
            await audit.AppendAsync(AuditActors.CommandLine, $"account:{admin.Id}", new AdminCreated(admin.Id, admin.DisplayName), cancellationToken: cancellationToken);
            return password is null
                ? await scope.ServiceProvider.GetRequiredService<StaffPasswordLinks>().CreateAsync(admin, PasswordLinkKind.FirstAdmin)
                : null;
        }, cancellationToken);
    }

    /// <summary>Creates the account without a password and e-mails the invitee a link to choose one (valid 72 hours).</summary>
    public async Task<string> InviteAsync(ClaimsPrincipal user, StaffInviteInput input, CancellationToken cancellationToken = default)
    {
        var adminId = user.RequireRole(Roles.Admin);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var accountId = await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            await audit.EnlistAsync(scope.ServiceProvider.GetRequiredService<ApplicationDbContext>(), cancellationToken);
            // Inside the write lock, so two admins inviting one address cannot both succeed.
            await inviteValidator.EnsureValidAsync(input, db, cancellationToken);
            var account = NewAccount(input.Email.Trim(), input.DisplayName.Trim(), input.Role == Roles.Officer ? input.AgencyId : null);
            Check(await users.CreateAsync(account));
            Check(await users.AddToRoleAsync(account, input.Role!));
            await audit.AppendAsync(AuditActors.User(adminId), $"account:{account.Id}",
                new StaffInvited(account.Id, account.DisplayName, input.Role!, account.AgencyId), cancellationToken: cancellationToken);
            await QueueInvitationAsync(scope.ServiceProvider, db, account, input.Role!);
            return account.Id;
        }, cancellationToken);
        outbox.Wake();
        return accountId;
    }

    /// <summary>
    /// Sends a fresh invitation to an account that still has no password (its link expired or was lost). Only the invitee's
    /// own address receives it, so asking on their behalf gives nobody else anything. False when there is nothing to resend.
    /// </summary>
    public async Task<bool> ResendInvitationAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByIdAsync(userId) is not { PasswordHash: null, DisabledAt: null } account)
        {
            return false;
        }

        var role = (await users.GetRolesAsync(account)).FirstOrDefault(Roles.Staff.Contains);
        if (role is null)
        {
            return false;
        }

        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        await QueueInvitationAsync(scope.ServiceProvider, db, account, role);
        await db.SaveChangesAsync(cancellationToken);
        outbox.Wake();
        return true;
    }

    /// <summary>Sets the first password from a valid link; the address is confirmed, since the link came to it.</summary>
    public async Task ChooseFirstPasswordAsync(string userId, PasswordLinkKind kind, string code, string password, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var links = scope.ServiceProvider.GetRequiredService<StaffPasswordLinks>();
        if (await users.FindByIdAsync(userId) is not { } account || !await links.IsValidAsync(account, kind, code))
        {
            throw new ActionRefusedException(ExpiredLink);
        }

        Check(await users.AddPasswordAsync(account, password));
        account.EmailConfirmed = true;
        Check(await users.UpdateAsync(account));
    }

    public const string ExpiredLink = "This link has expired or was already used.";

    /// <summary>
    /// A disabled account cannot sign in, and its open pages lose access within a minute (its security stamp changes).
    /// The last active admin cannot be disabled: someone must be able to run the city.
    /// </summary>
    public async Task SetDisabledAsync(ClaimsPrincipal user, string staffId, bool disabled, CancellationToken cancellationToken = default)
    {
        var adminId = user.RequireRole(Roles.Admin);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            await audit.EnlistAsync(scope.ServiceProvider.GetRequiredService<ApplicationDbContext>(), cancellationToken);
            var (account, role) = await StaffAsync(users, staffId);
            if ((account.DisabledAt is not null) == disabled)
            {
                throw new ActionRefusedException(disabled ? $"{account.DisplayName}'s account is already disabled." : $"{account.DisplayName}'s account is already enabled.");
            }

            if (disabled && role == Roles.Admin
                && !await db.MembersOf([Roles.Admin]).AnyAsync(m => m.Account.Id != account.Id && m.Account.DisabledAt == null, cancellationToken))
            {
                throw new ActionRefusedException("This is the last active admin account; enable or invite another admin first.");
            }

            account.DisabledAt = disabled ? time.GetUtcNow().UtcDateTime : null;
            account.LockoutEnabled = true;
            account.LockoutEnd = disabled ? DateTimeOffset.MaxValue : null;
            Check(await users.UpdateAsync(account));
            Check(await users.UpdateSecurityStampAsync(account));
            AuditEvent entry = disabled
                ? new StaffDisabled(account.Id, account.DisplayName, role, account.AgencyId)
                : new StaffEnabled(account.Id, account.DisplayName, role, account.AgencyId);
            await audit.AppendAsync(AuditActors.User(adminId), $"account:{account.Id}", entry, cancellationToken: cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Moves an officer to another active agency: from now on they see that agency's requests and footage only.</summary>
    public async Task MoveOfficerAsync(ClaimsPrincipal user, string staffId, int agencyId, CancellationToken cancellationToken = default)
    {
        var adminId = user.RequireRole(Roles.Admin);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            await audit.EnlistAsync(scope.ServiceProvider.GetRequiredService<ApplicationDbContext>(), cancellationToken);
            var (account, role) = await StaffAsync(users, staffId);
            if (role != Roles.Officer || account.AgencyId is not { } from)
            {
                throw new ActionRefusedException("Only an officer belongs to an agency.");
            }

            if (from == agencyId)
            {
                throw new ActionRefusedException($"{account.DisplayName} already belongs to this agency.");
            }

            if (!await db.Agencies.AnyAsync(a => a.Id == agencyId && a.IsActive, cancellationToken))
            {
                throw new ActionRefusedException("Choose an active agency from the list.");
            }

            account.AgencyId = agencyId;
            Check(await users.UpdateAsync(account));
            // Pages open under the old agency must not keep showing its footage.
            Check(await users.UpdateSecurityStampAsync(account));
            await audit.AppendAsync(AuditActors.User(adminId), $"account:{account.Id}", new StaffMoved(account.Id, account.DisplayName, from, agencyId),
                cancellationToken: cancellationToken);
        }, cancellationToken);
    }

    private ApplicationUser NewAccount(string email, string name, int? agencyId) => new()
    {
        UserName = email,
        Email = email,
        DisplayName = name,
        AgencyId = agencyId,
        CreatedAt = time.GetUtcNow().UtcDateTime,
        LockoutEnabled = true,
    };

    private async Task QueueInvitationAsync(IServiceProvider services, ApplicationDbContext db, ApplicationUser account, string role)
    {
        var link = await services.GetRequiredService<StaffPasswordLinks>().CreateAsync(account, PasswordLinkKind.Invitation);
        var agency = account.AgencyId is { } id ? await db.Agencies.Where(a => a.Id == id).Select(a => a.Name).FirstAsync() : null;
        outbox.Queue(db, account.Email!, "invitation",
            services.GetRequiredService<MailTemplates>().Invitation(account.DisplayName, role, agency, link, StaffPasswordLinks.ValidFor(PasswordLinkKind.Invitation)));
    }

    private static async Task<(ApplicationUser Account, string Role)> StaffAsync(UserManager<ApplicationUser> users, string staffId)
    {
        if (await users.FindByIdAsync(staffId) is { } account
            && (await users.GetRolesAsync(account)).FirstOrDefault(Roles.Staff.Contains) is { } role)
        {
            return (account, role);
        }

        throw new ActionRefusedException(NotFound);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new ActionRefusedException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
