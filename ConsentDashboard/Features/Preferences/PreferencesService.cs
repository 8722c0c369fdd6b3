using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Validation;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Preferences;

public sealed record BlockedAgency(int AgencyId, string Name, string Jurisdiction, DateTime BlockedAt);

public sealed record ResidentContact(string DisplayName, string? Email, string? PhoneNumber, string? PostalAddress)
{
    /// <summary>The value a contact field would reveal, or null when the resident has not given one.</summary>
    public string? ValueOf(ContactFields field) => field switch
    {
        ContactFields.Name => string.IsNullOrWhiteSpace(DisplayName) ? null : DisplayName,
        ContactFields.Email => Email,
        ContactFields.Phone => string.IsNullOrWhiteSpace(PhoneNumber) ? null : PhoneNumber,
        ContactFields.Address => string.IsNullOrWhiteSpace(PostalAddress) ? null : PostalAddress,
        _ => null,
    };
}

public sealed record ResidentPreferences(
    bool OptedOutOfAllRequests, bool EmailAboutRequests, string? TimeZone, IReadOnlyList<BlockedAgency> BlockedAgencies, ResidentContact Contact);

/// <summary>A resident's own settings: whether they receive requests at all, which agencies they blocked, their contact details.</summary>
public sealed class PreferencesService(IDbContextFactory<ApplicationDbContext> dbFactory, IValidator<ContactDetailsInput> contactValidator, IStringLocalizer<AppText> text)
{
    public async Task<ResidentPreferences> GetAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var resident = await db.Users.AsNoTracking().SingleAsync(u => u.Id == residentId, cancellationToken);
        var blocked = await db.AgencyBlocks.AsNoTracking()
            .Where(b => b.ResidentId == residentId)
            .OrderBy(b => b.Agency!.Name)
            .Select(b => new BlockedAgency(b.AgencyId, b.Agency!.Name, b.Agency.Jurisdiction, b.CreatedAt))
            .ToListAsync(cancellationToken);
        return new ResidentPreferences(resident.OptedOutOfAllRequests, resident.EmailAboutRequests, resident.TimeZone, blocked,
            new ResidentContact(resident.DisplayName, resident.Email, resident.PhoneNumber, resident.PostalAddress));
    }

    /// <summary>Opting out stops new requests; requests already in the inbox stay there to answer or let expire.</summary>
    public async Task SetOptOutAsync(ClaimsPrincipal user, bool optedOut, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Users.Where(u => u.Id == residentId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.OptedOutOfAllRequests, optedOut), cancellationToken);
    }

    /// <summary>Whether a new request also arrives as an e-mail. The inbox shows every request either way.</summary>
    public async Task SetEmailAboutRequestsAsync(ClaimsPrincipal user, bool email, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Users.Where(u => u.Id == residentId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailAboutRequests, email), cancellationToken);
    }

    /// <summary>The time zone e-mails give times in; an unknown zone is refused.</summary>
    public async Task SetTimeZoneAsync(ClaimsPrincipal user, string zoneId, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        if (ViewerClock.FromZoneId(zoneId) is not { IsUtc: false } clock)
        {
            if (zoneId != "UTC")
            {
                throw new ActionRefusedException(text["\"{0}\" is not a time zone this server knows.", zoneId]);
            }

            clock = ViewerClock.Utc;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Users.Where(u => u.Id == residentId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.TimeZone, clock.IsUtc ? null : clock.Zone.Id), cancellationToken);
    }

    public async Task UnblockAsync(ClaimsPrincipal user, int agencyId, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var removed = await db.AgencyBlocks.Where(b => b.ResidentId == residentId && b.AgencyId == agencyId)
            .ExecuteDeleteAsync(cancellationToken);
        if (removed == 0)
        {
            throw new ActionRefusedException(text["That agency is not on your blocked list."]);
        }
    }

    public async Task UpdateContactAsync(ClaimsPrincipal user, ContactDetailsInput input, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await contactValidator.EnsureValidAsync(input, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Users.Where(u => u.Id == residentId).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.DisplayName, input.DisplayName.Trim())
            .SetProperty(u => u.PhoneNumber, string.IsNullOrWhiteSpace(input.PhoneNumber) ? null : input.PhoneNumber.Trim())
            .SetProperty(u => u.PostalAddress, string.IsNullOrWhiteSpace(input.PostalAddress) ? null : input.PostalAddress.Trim()),
            cancellationToken);
    }
}
