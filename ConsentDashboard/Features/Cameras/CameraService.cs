using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Validation;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Cameras;

public sealed record CameraSummary(Guid Id, string Label, double Latitude, double Longitude, bool IsActive, int ClipCount);

public sealed record ClipSummary(
    Guid Id, Guid CameraId, string CameraLabel, DateTime RecordedStart, DateTime RecordedEnd, string ContentType, long SizeBytes, string Sha256,
    int DisclosureCount);

/// <summary>A resident's own cameras and clips. Every method works only on the caller's own records.</summary>
public sealed class CameraService(IDbContextFactory<ApplicationDbContext> dbFactory, IValidator<CameraInput> validator, TimeProvider time, IStringLocalizer<AppText> text)
{
    public const string NotYours = "That camera is not one of yours.";

    public async Task<IReadOnlyList<CameraSummary>> ListCamerasAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var ownerId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Cameras.AsNoTracking()
            .Where(c => c.OwnerId == ownerId)
            .OrderByDescending(c => c.IsActive).ThenBy(c => c.Label)
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
            .Select(c => new ClipSummary(c.Id, c.CameraId, c.Camera!.Label, c.RecordedStart, c.RecordedEnd, c.ContentType, c.SizeBytes, c.Sha256,
                db.Disclosures.Where(Disclosure.KnownToResident).Count(d => d.ClipId == c.Id)))
            .ToListAsync(cancellationToken);
    }

    public async Task<Guid> AddAsync(ClaimsPrincipal user, CameraInput input, CancellationToken cancellationToken = default)
    {
        var ownerId = user.RequireRole(Roles.Resident);
        await validator.EnsureValidAsync(input, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var camera = new Camera
        {
            Id = Guid.NewGuid(),
            OwnerId = ownerId,
            Label = input.Label.Trim(),
            Latitude = input.Latitude!.Value,
            Longitude = input.Longitude!.Value,
            IsActive = true,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Cameras.Add(camera);
        await db.SaveChangesAsync(cancellationToken);
        return camera.Id;
    }

    /// <summary>Renames and moves a camera. Requests already received stay; new ones use the new place.</summary>
    public async Task UpdateAsync(ClaimsPrincipal user, Guid cameraId, CameraInput input, CancellationToken cancellationToken = default)
    {
        var ownerId = user.RequireRole(Roles.Resident);
        await validator.EnsureValidAsync(input, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var changed = await db.Cameras.Where(c => c.Id == cameraId && c.OwnerId == ownerId).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Label, input.Label.Trim())
            .SetProperty(c => c.Latitude, input.Latitude!.Value)
            .SetProperty(c => c.Longitude, input.Longitude!.Value), cancellationToken);
        if (changed == 0)
        {
            throw new ActionRefusedException(text[NotYours]);
        }
    }

    /// <summary>An inactive camera keeps its clips but brings no new requests.</summary>
    public async Task SetActiveAsync(ClaimsPrincipal user, Guid cameraId, bool active, CancellationToken cancellationToken = default)
    {
        var ownerId = user.RequireRole(Roles.Resident);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var changed = await db.Cameras.Where(c => c.Id == cameraId && c.OwnerId == ownerId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.IsActive, active), cancellationToken);
        if (changed == 0)
        {
            throw new ActionRefusedException(text[NotYours]);
        }
    }
}
