using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Clips;
using ConsentDashboard.Infrastructure.Validation;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Cameras;

/// <summary>
/// Takes a resident's clip: checks the input, stores the bytes by hash (type decided by the bytes, size capped by
/// <see cref="ConsentDashboardOptions.MaxClipBytes"/>), reads the length from the file, and records the clip. Anything
/// refused leaves no clip and no stray bytes behind.
/// </summary>
public sealed class ClipUploadService(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    ClipStorage storage,
    IValidator<ClipUploadInput> validator,
    IOptions<ConsentDashboardOptions> options,
    TimeProvider time,
    IStringLocalizer<AppText> text)
{
    public long MaxClipBytes => options.Value.MaxClipBytes;

    public async Task<ClipSummary> UploadAsync(ClaimsPrincipal user, ClipUploadInput input, Stream content, CancellationToken cancellationToken = default)
    {
        var ownerId = user.RequireRole(Roles.Resident);
        await validator.EnsureValidAsync(input, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var camera = await db.Cameras.AsNoTracking().FirstOrDefaultAsync(c => c.Id == input.CameraId && c.OwnerId == ownerId, cancellationToken)
            ?? throw new ActionRefusedException(text[CameraService.NotYours]);

        StoredFile stored;
        try
        {
            stored = await storage.StoreAsync(content, MaxClipBytes, cancellationToken);
        }
        catch (StoredFileTooLargeException tooLarge)
        {
            throw new ActionRefusedException(text["The clip is larger than the {0} MB limit. Nothing was stored.", tooLarge.Limit / (1024 * 1024)]);
        }
        catch (UnsupportedFileException unsupported)
        {
            throw new ActionRefusedException(text[unsupported.Message] + " " + text["Upload a WebM or MP4 video; nothing was stored."]);
        }

        var keepBytes = false;
        try
        {
            if (await db.Clips.AnyAsync(c => c.CameraId == camera.Id && c.Sha256 == stored.Sha256, cancellationToken))
            {
                throw new ActionRefusedException(text["You already uploaded this video for {0}.", camera.Label]);
            }

            var start = input.RecordedStart!.Value;
            var container = ClipDuration.Inspect(storage.TryGetPath(stored.StorageKey)!, stored.ContentType);
            if (!container.HasVideoTrack)
            {
                throw new ActionRefusedException(text["This file starts like a video but holds no playable video track. Upload a WebM or MP4 video; nothing was stored."]);
            }

            var end = container.Duration is { } fromFile ? start + fromFile
                : input.RecordedEnd ?? throw new ActionRefusedException(
                    text["The video does not say how long it is. Enter when the recording ended and upload it again."]);
            var clip = new Clip
            {
                Id = Guid.NewGuid(),
                CameraId = camera.Id,
                RecordedStart = start,
                RecordedEnd = end,
                ContentType = stored.ContentType,
                SizeBytes = stored.SizeBytes,
                Sha256 = stored.Sha256,
                StorageKey = stored.StorageKey,
                UploadedAt = time.GetUtcNow().UtcDateTime,
            };
            db.Clips.Add(clip);
            await db.SaveChangesAsync(cancellationToken);
            keepBytes = true;
            return new ClipSummary(clip.Id, camera.Id, camera.Label, clip.RecordedStart, clip.RecordedEnd, clip.ContentType, clip.SizeBytes, clip.Sha256, 0);
        }
        finally
        {
            // Identical bytes may belong to another clip; only bytes nobody refers to are removed.
            if (!keepBytes && !await db.Clips.AnyAsync(c => c.StorageKey == stored.StorageKey, CancellationToken.None))
            {
                storage.Delete(stored.StorageKey);
            }
        }
    }
}
