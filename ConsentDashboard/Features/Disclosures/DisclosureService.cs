using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.Disclosures;

public sealed record DisclosureSummary(
    Guid Id,
    DateTime DisclosedAt,
    string AgencyName,
    string? CaseNumber,
    LegalBasis LegalBasis,
    string CameraLabel,
    DateTime ClipStart,
    DateTime ClipEnd,
    string ClipSha256,
    DateTime AccessExpiresAt,
    DateTime? RevokedAt);

public sealed class DisclosureService(IDbContextFactory<ApplicationDbContext> dbFactory)
{
    /// <summary>Everything the resident has disclosed, newest first.</summary>
    public async Task<IReadOnlyList<DisclosureSummary>> ListOwnAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var residentId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Disclosures.AsNoTracking()
            .Where(d => d.ResidentId == residentId)
            .OrderByDescending(d => d.DisclosedAt)
            .Select(d => new DisclosureSummary(d.Id, d.DisclosedAt, d.Agency!.Name,
                d.Request != null ? d.Request.CaseNumber : d.LegalDemand != null ? d.LegalDemand.Reference : null,
                d.LegalBasis, d.Clip!.Camera!.Label, d.Clip.RecordedStart, d.Clip.RecordedEnd, d.ClipSha256,
                d.AccessExpiresAt, d.RevokedAt))
            .ToListAsync(cancellationToken);
    }
}
