using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Clips;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace ConsentDashboard.Features.Clips;

/// <summary>
/// <c>GET /clips/{id}/content</c>: the clip's bytes with HTTP range support, for its owner only. Everyone else,
/// signed in or not, gets the same plain 404 as for a clip that does not exist, so the endpoint reveals nothing.
/// </summary>
public static class ClipContentEndpoint
{
    public static IEndpointRouteBuilder MapClipContent(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/clips/{id:guid}/content", ServeAsync);
        return endpoints;
    }

    private static async Task<IResult> ServeAsync(
        Guid id,
        ClaimsPrincipal user,
        HttpContext http,
        IDbContextFactory<ApplicationDbContext> dbFactory,
        ClipStorage storage,
        CancellationToken cancellationToken)
    {
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null)
        {
            return Results.NotFound();
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var clip = await db.Clips.AsNoTracking()
            .Where(c => c.Id == id && c.Camera!.OwnerId == userId)
            .Select(c => new { c.StorageKey, c.ContentType, c.Sha256 })
            .FirstOrDefaultAsync(cancellationToken);
        var path = clip is null ? null : storage.TryGetPath(clip.StorageKey);
        if (clip is null || path is null)
        {
            return Results.NotFound();
        }

        // Footage is personal data: no shared cache may keep a copy.
        http.Response.Headers.CacheControl = "private, no-store";
        return Results.File(path, clip.ContentType, enableRangeProcessing: true,
            entityTag: new EntityTagHeaderValue($"\"{clip.Sha256}\""));
    }
}
