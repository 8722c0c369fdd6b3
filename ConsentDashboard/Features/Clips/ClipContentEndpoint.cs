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
        ClipAccessReader reader,
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

        var now = time.GetUtcNow().UtcDateTime;
        var access = await reader.ReadAsync(id, userId, now);
        if (access is null)
        {
            return Results.NotFound();
        }

        var isOwner = access.OwnerId == userId && user.IsInRole(Roles.Resident);
        if (!isOwner && (!user.IsInRole(Roles.Officer) || access.Grant is not { } grant || (download == true && !grant.AllowDownload)))
        {
            return Results.NotFound();
        }

        var path = storage.TryGetPath(access.StorageKey);
        if (path is null)
        {
            return Results.NotFound();
        }

        if (!isOwner && (download == true || IsOpening(http.Request)))
        {
            // Logged under the write lock with the disclosure read again there: a revocation that commits first wins.
            var logged = await auditLog.WriteAsync(async (db, audit, cancellationToken) =>
            {
                var disclosure = await db.Disclosures.AsNoTracking()
                    .Include(d => d.Request).Include(d => d.LegalDemand)
                    .Where(Disclosure.Live.At(now))
                    .FirstOrDefaultAsync(d => d.Id == access.Grant!.DisclosureId, cancellationToken);
                if (disclosure is null)
                {
                    return false;
                }

                await audit.AppendAsync(AuditActors.User(userId), $"disclosure:{disclosure.Id}",
                    download == true ? ClipDownloaded.Of(disclosure) : ClipViewed.Of(disclosure), cancellationToken);
                return true;
            }, cancellationToken);
            if (!logged)
            {
                return Results.NotFound();
            }
        }

        // Footage is personal data: no shared cache may keep a copy.
        http.Response.Headers.CacheControl = "private, no-store";
        var tag = new EntityTagHeaderValue($"\"{access.Sha256}\"");
        return download == true
            ? Results.File(path, access.ContentType, $"clip-{access.Sha256[..12]}{ClipFormat.ExtensionFor(access.ContentType)}", enableRangeProcessing: true, entityTag: tag)
            : Results.File(path, access.ContentType, enableRangeProcessing: true, entityTag: tag);
    }

    /// <summary>A first request for the clip rather than a seek within it.</summary>
    private static bool IsOpening(HttpRequest request)
    {
        var range = request.Headers.Range.ToString();
        return string.IsNullOrEmpty(range) || range.StartsWith("bytes=0-", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>
/// Everything a clip request needs, in one indexed query: the clip's file, its owner, and the live disclosure of it to the
/// user's agency (the one allowing downloads, then the one lasting longest, if several). Read at every request, so a
/// revocation ends access on the very next one. The query is compiled once and runs on pooled contexts: a player's
/// seeks arrive many per second.
/// </summary>
public sealed class ClipAccessReader(DbContextOptions<ApplicationDbContext> options) : IDisposable
{
    private static readonly Func<ApplicationDbContext, Guid, string, DateTime, Task<ClipAccess?>> Query = EF.CompileAsyncQuery(
        TimedRules.Inline<Func<ApplicationDbContext, Guid, string, DateTime, ClipAccess?>>((db, clipId, userId, now) =>
            db.Clips.AsNoTracking()
                .Where(c => c.Id == clipId)
                .Select(c => new ClipAccess(c.StorageKey, c.ContentType, c.Sha256, c.Camera!.OwnerId,
                    db.Disclosures
                        .Where(d => d.ClipId == c.Id && Disclosure.Live.IsMetBy(d, now)
                            && d.AgencyId == db.Users.Where(u => u.Id == userId).Select(u => u.AgencyId).FirstOrDefault())
                        .OrderByDescending(d => d.AllowDownload).ThenByDescending(d => d.AccessExpiresAt)
                        .Select(d => new ClipGrant(d.Id, d.AllowDownload))
                        .FirstOrDefault()))
                .FirstOrDefault()));

    // Contexts whose connections stay open between requests: opening a SQLite connection through EF Core also
    // registers its functions and pragmas, which cost more than the query. Only this reader uses them.
    private readonly System.Collections.Concurrent.ConcurrentBag<ApplicationDbContext> _idle = [];

    public async Task<ClipAccess?> ReadAsync(Guid clipId, string userId, DateTime now)
    {
        if (!_idle.TryTake(out var db))
        {
            db = new ApplicationDbContext(options);
            await db.Database.OpenConnectionAsync();
        }

        try
        {
            var access = await Query(db, clipId, userId, now);
            if (_idle.Count < MaxIdle)
            {
                _idle.Add(db);
                db = null;
            }

            return access;
        }
        finally
        {
            if (db is not null)
            {
                await db.DisposeAsync();
            }
        }
    }

    /// <summary>Contexts kept open between requests; more run at once when needed, and are closed after.</summary>
    private static readonly int MaxIdle = 4 * Environment.ProcessorCount;

    public void Dispose()
    {
        while (_idle.TryTake(out var db))
        {
            db.Dispose();
        }
    }
}

public sealed record ClipAccess(string StorageKey, string ContentType, string Sha256, string OwnerId, ClipGrant? Grant);

public sealed record ClipGrant(Guid DisclosureId, bool AllowDownload);
