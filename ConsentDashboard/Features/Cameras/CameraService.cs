using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.Cameras;

public sealed record CameraSummary(Guid Id, string Label, double Latitude, double Longitude, bool IsActive, int ClipCount);

public sealed record ClipSummary(Guid Id, string CameraLabel, DateTime RecordedStart, DateTime RecordedEnd, string ContentType, long SizeBytes, string Sha256);

public sealed class CameraService(IDbContextFactory<ApplicationDbContext> dbFactory)
{
    public async Task<IReadOnlyList<CameraSummary>> ListCamerasAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var ownerId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Cameras.AsNoTracking()
            .Where(c => c.OwnerId == ownerId)
            .OrderBy(c => c.Label)
            .Select(c => new CameraSummary(c.Id, c.Label, c.Latitude, c.Longitude, c.IsActive, c.Clips.Count))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ClipSummary>> ListClipsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var ownerId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Clips.AsNoTracking()
            .Where(c => c.Camera!.OwnerId == ownerId)
            .OrderByDescending(c => c.RecordedStart)
            .Select(c => new ClipSummary(c.Id, c.Camera!.Label, c.RecordedStart, c.RecordedEnd, c.ContentType, c.SizeBytes, c.Sha256))
            .ToListAsync(cancellationToken);
    }
}
