using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Validation;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.Admin;

/// <summary>An admin creates, changes, deactivates and reactivates agencies; every change is an audit entry.</summary>
public sealed class AgencyAdminService(AuditLog auditLog, IValidator<AgencyInput> validator)
{
    public const string NotFound = "This agency does not exist.";

    /// <summary>Creates the agency, or changes the one <see cref="AgencyInput.Id"/> names; returns its id.</summary>
    public async Task<int> SaveAsync(ClaimsPrincipal user, AgencyInput input, CancellationToken cancellationToken = default)
    {
        var adminId = user.RequireRole(Roles.Admin);
        return await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            // Inside the write lock, so two admins cannot both take one name.
            await validator.EnsureValidAsync(input, db, cancellationToken);
            var contact = string.IsNullOrWhiteSpace(input.ContactEmail) ? null : input.ContactEmail.Trim();
            Agency agency;
            if (input.Id is { } id)
            {
                agency = await db.Agencies.FirstOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw new ActionRefusedException(NotFound);
                agency.Name = input.Name.Trim();
                agency.Jurisdiction = input.Jurisdiction.Trim();
                agency.ContactEmail = contact;
                agency.RequiresReview = input.RequiresReview;
                await db.SaveChangesAsync(cancellationToken);
                await audit.AppendAsync(AuditActors.User(adminId), $"agency:{agency.Id}",
                    new AgencyChanged(agency.Id, agency.Name, agency.Jurisdiction, agency.ContactEmail, agency.IsActive, agency.RequiresReview), cancellationToken: cancellationToken);
            }
            else
            {
                agency = new Agency { Name = input.Name.Trim(), Jurisdiction = input.Jurisdiction.Trim(), ContactEmail = contact, IsActive = true, RequiresReview = input.RequiresReview };
                db.Agencies.Add(agency);
                // The id the entry names exists only once the row is written; the transaction still holds both.
                await db.SaveChangesAsync(cancellationToken);
                await audit.AppendAsync(AuditActors.User(adminId), $"agency:{agency.Id}",
                    new AgencyCreated(agency.Id, agency.Name, agency.Jurisdiction, agency.ContactEmail, agency.RequiresReview), cancellationToken: cancellationToken);
            }

            return agency.Id;
        }, cancellationToken);
    }

    /// <summary>
    /// A deactivated agency's officers can no longer file requests. Disclosures already made keep working until they
    /// expire or their residents revoke them: a resident's choice is not undone by an operator.
    /// </summary>
    public async Task SetActiveAsync(ClaimsPrincipal user, int agencyId, bool active, CancellationToken cancellationToken = default)
    {
        var adminId = user.RequireRole(Roles.Admin);
        await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            var agency = await db.Agencies.FirstOrDefaultAsync(a => a.Id == agencyId, cancellationToken) ?? throw new ActionRefusedException(NotFound);
            if (agency.IsActive == active)
            {
                throw new ActionRefusedException(active ? $"{agency.Name} is already active." : $"{agency.Name} is already deactivated.");
            }

            agency.IsActive = active;
            await audit.AppendAsync(AuditActors.User(adminId), $"agency:{agency.Id}",
                new AgencyChanged(agency.Id, agency.Name, agency.Jurisdiction, agency.ContactEmail, agency.IsActive, agency.RequiresReview), cancellationToken: cancellationToken);
        }, cancellationToken);
    }
}
