using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using ConsentDashboard.Infrastructure.Localization;

namespace ConsentDashboard.Features.Disclosures;

public enum DisclosureState
{
    Active,
    Expired,
    Revoked,
}

/// <summary>One time the agency opened or downloaded a disclosed clip, as the audit log recorded it.</summary>
public sealed record DisclosureAccess(DateTime At, bool Downloaded, string By, long AuditSequence);

public sealed record DisclosureRecord(
    Guid Id,
    DateTime DisclosedAt,
    string AgencyName,
    string? OfficerName,
    string? CaseNumber,
    IncidentType? IncidentType,
    LegalBasis LegalBasis,
    string CameraLabel,
    DateTime ClipStart,
    DateTime ClipEnd,
    string ClipSha256,
    ContactFields RevealedContactFields,
    bool AllowDownload,
    DateTime AccessExpiresAt,
    DateTime? RevokedAt,
    IReadOnlyList<DisclosureAccess> Accesses,
    string? LegalCitation = null)
{
    /// <summary>Produced under a warrant, court order, subpoena or emergency: the resident cannot revoke it.</summary>
    public bool IsCompelled => LegalBasis != LegalBasis.Consent;

    public DisclosureState StateAt(DateTime utcNow) =>
        RevokedAt is not null ? DisclosureState.Revoked
        : AccessExpiresAt <= utcNow ? DisclosureState.Expired
        : DisclosureState.Active;
}

/// <summary>A resident's accounting of disclosures: everything that left their account, and every use of it.</summary>
public sealed class DisclosureService(IDbContextFactory<ApplicationDbContext> dbFactory, AuditLog auditLog, TimeProvider time, IStringLocalizer<AppText> text)
{
    public const string NotYours = "This disclosure is not in your history.";

    /// <summary>Everything the resident has disclosed, newest first, each with the agency's views and downloads.</summary>
    public async Task<IReadOnlyList<DisclosureRecord>> ListOwnAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Disclosures.AsNoTracking()
            .Where(d => d.ResidentId == residentId)
            .Where(Disclosure.KnownToResident)
            .OrderByDescending(d => d.DisclosedAt)
            .Select(d => new
            {
                d.Id,
                d.DisclosedAt,
                AgencyName = d.Agency!.Name,
                OfficerName = d.Request != null ? d.Request.Officer!.DisplayName : null,
                CaseNumber = d.Request != null ? d.Request.CaseNumber : d.LegalDemand != null ? d.LegalDemand.Reference : null,
                IncidentType = d.Request != null ? d.Request.IncidentType : (IncidentType?)null,
                d.LegalBasis,
                CameraLabel = d.Clip!.Camera!.Label,
                d.Clip.RecordedStart,
                d.Clip.RecordedEnd,
                d.ClipSha256,
                d.RevealedContactFields,
                d.AllowDownload,
                d.AccessExpiresAt,
                d.RevokedAt,
                Citation = d.LegalDemand != null ? d.LegalDemand.Court + ", " + d.LegalDemand.Reference : null,
                DocumentDate = d.LegalDemand != null ? d.LegalDemand.DocumentDate : (DateTime?)null,
            })
            .ToListAsync(cancellationToken);

        var accesses = await AccessesAsync(db, rows.Select(r => r.Id).ToList(), cancellationToken);
        return rows.Select(r => new DisclosureRecord(
                r.Id, r.DisclosedAt, r.AgencyName, r.OfficerName, r.CaseNumber, r.IncidentType, r.LegalBasis, r.CameraLabel,
                r.RecordedStart, r.RecordedEnd, r.ClipSha256, r.RevealedContactFields, r.AllowDownload, r.AccessExpiresAt, r.RevokedAt,
                accesses.TryGetValue(r.Id, out var list) ? list : [],
                r.Citation is null ? null : $"{r.Citation}, {r.DocumentDate:yyyy-MM-dd}"))
            .ToList();
    }

    /// <summary>Ends the agency's access at once; the revocation is logged in the same transaction.</summary>
    public async Task RevokeAsync(ClaimsPrincipal user, Guid disclosureId, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        var now = time.GetUtcNow().UtcDateTime;
        await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
        {
            var disclosure = await db.Disclosures
                .Include(d => d.Request).Include(d => d.LegalDemand)
                .Where(Disclosure.KnownToResident)
                .FirstOrDefaultAsync(d => d.Id == disclosureId && d.ResidentId == residentId, cancellationToken)
                ?? throw new ActionRefusedException(text[NotYours]);
            if (disclosure.IsCompelled)
            {
                throw new ActionRefusedException(
                    text["This clip was produced under {0} ({1}), not by your consent, so you cannot revoke it.", text.UnderBasis(disclosure.LegalBasis), disclosure.LegalDemand?.Reference ?? ""]);
            }

            if (disclosure.RevokedAt is not null)
            {
                throw new ActionRefusedException(text["You already revoked this disclosure."]);
            }

            if (!disclosure.IsLiveAt(now))
            {
                throw new ActionRefusedException(text["The agency's access to this clip already expired."]);
            }

            disclosure.RevokedAt = now;
            await audit.AppendAsync(AuditActors.User(residentId), $"disclosure:{disclosure.Id}", DisclosureRevoked.Of(disclosure, now), cancellationToken);
        }, cancellationToken);
    }

    private static async Task<Dictionary<Guid, List<DisclosureAccess>>> AccessesAsync(
        ApplicationDbContext db, List<Guid> disclosureIds, CancellationToken cancellationToken)
    {
        if (disclosureIds.Count == 0)
        {
            return [];
        }

        var subjects = disclosureIds.Select(id => $"disclosure:{id}").ToList();
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => subjects.Contains(e.Subject)
                && (e.Action == nameof(ClipViewed) || e.Action == nameof(ClipDownloaded)))
            .OrderBy(e => e.Sequence)
            .Select(e => new { e.Subject, e.Action, e.Timestamp, e.Actor, e.Sequence })
            .ToListAsync(cancellationToken);
        var officerIds = entries.Select(e => AuditActors.UserIdOf(e.Actor)).OfType<string>().Distinct().ToList();
        var names = await db.Users.AsNoTracking()
            .Where(u => officerIds.Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName })
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);

        return entries
            .GroupBy(e => Guid.Parse(e.Subject["disclosure:".Length..]))
            .ToDictionary(g => g.Key, g => g.Select(e => new DisclosureAccess(
                e.Timestamp,
                e.Action == nameof(ClipDownloaded),
                AuditActors.UserIdOf(e.Actor) is { } officerId && names.TryGetValue(officerId, out var name) ? name : "an officer",
                e.Sequence)).ToList());
    }
}
