using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Clips;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace ConsentDashboard.Features.Clips;

/// <summary>
/// <c>GET /clips/{id}/content</c>: a clip's bytes with HTTP range support, for its owner, or for an officer whose agency
/// holds a live disclosure of it (not revoked, not expired). Everyone else, signed in or not, gets the same plain 404
/// as for a clip that does not exist, so the endpoint reveals nothing (invariant 3).
/// </summary>
/// <remarks>
/// An officer's opening of a clip (a request without a range, or from byte 0) is a <c>ClipViewed</c> entry, and
/// <c>?download=true</c>, allowed only where the resident allowed downloads, is a <c>ClipDownloaded</c> entry. Seeks
/// within a clip already opened are not logged again. The entry is committed before a byte is sent.
/// </remarks>
public static class ClipContentEndpoint
{
    public static IEndpointRouteBuilder MapClipContent(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/clips/{id:guid}/content", ServeAsync);
        return endpoints;
    }

    private static async Task<IResult> ServeAsync(
        Guid id,
        bool? download,
        ClaimsPrincipal user,
        HttpContext http,
        IDbContextFactory<ApplicationDbContext> dbFactory,
        ClipStorage storage,
        AuditLog auditLog,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null)
        {
            return Results.NotFound();
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var clip = await db.Clips.AsNoTracking()
            .Where(c => c.Id == id)
            .Select(c => new { c.StorageKey, c.ContentType, c.Sha256, c.Camera!.OwnerId })
            .FirstOrDefaultAsync(cancellationToken);
        if (clip is null)
        {
            return Results.NotFound();
        }

        var isOwner = clip.OwnerId == userId && user.IsInRole(Roles.Resident);
        Disclosure? disclosure = null;
        if (!isOwner)
        {
            disclosure = user.IsInRole(Roles.Officer) ? await LiveDisclosureAsync(db, id, userId, time, cancellationToken) : null;
            if (disclosure is null || (download == true && !disclosure.AllowDownload))
            {
                return Results.NotFound();
            }
        }

        var path = storage.TryGetPath(clip.StorageKey);
        if (path is null)
        {
            return Results.NotFound();
        }

        if (disclosure is not null && (download == true || IsOpening(http.Request)))
        {
            await auditLog.WriteAsync((_, audit, cancellationToken) => audit.AppendAsync(AuditActors.User(userId), $"disclosure:{disclosure.Id}",
                download == true ? ClipDownloaded.Of(disclosure) : ClipViewed.Of(disclosure), cancellationToken), cancellationToken);
        }

        // Footage is personal data: no shared cache may keep a copy.
        http.Response.Headers.CacheControl = "private, no-store";
        var tag = new EntityTagHeaderValue($"\"{clip.Sha256}\"");
        return download == true
            ? Results.File(path, clip.ContentType, $"clip-{clip.Sha256[..12]}{ClipFormat.ExtensionFor(clip.ContentType)}", enableRangeProcessing: true, entityTag: tag)
            : Results.File(path, clip.ContentType, enableRangeProcessing: true, entityTag: tag);
    }

    /// <summary>The officer's agency's live disclosure of the clip, the one lasting longest if several.</summary>
    private static async Task<Disclosure?> LiveDisclosureAsync(
        ApplicationDbContext db, Guid clipId, string officerId, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var agencyId = await db.Users.Where(u => u.Id == officerId).Select(u => u.AgencyId).FirstOrDefaultAsync(cancellationToken);
        if (agencyId is null)
        {
            return null;
        }

        return await db.Disclosures.AsNoTracking()
            .Include(d => d.Request).Include(d => d.LegalDemand)
            .Where(d => d.ClipId == clipId && d.AgencyId == agencyId)
            .Where(Disclosure.Live.At(now))
            .OrderByDescending(d => d.AllowDownload).ThenByDescending(d => d.AccessExpiresAt)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>A first request for the clip rather than a seek within it.</summary>
    private static bool IsOpening(HttpRequest request)
    {
        var range = request.Headers.Range.ToString();
        return string.IsNullOrEmpty(range) || range.StartsWith("bytes=0-", StringComparison.OrdinalIgnoreCase);
    }
}
