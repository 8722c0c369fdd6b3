using System.Text;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Cameras;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Clips;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Tests.Features.Cameras;

public sealed class ClipUploadServiceTests : IAsyncLifetime
{
    private static readonly string DemoClip = Path.Combine(AppContext.BaseDirectory, "DemoMedia", "porch-testpattern.webm");

    private ResidentScenario _scenario = null!;
    private Camera _camera = null!;
    private int _clipsBefore;

    public async ValueTask InitializeAsync()
    {
        _scenario = await ResidentScenario.CreateAsync();
        await using var db = _scenario.Database.CreateDbContext();
        _camera = await db.Cameras.FirstAsync(c => c.OwnerId == _scenario.ResidentA.Id && c.Label == "Porch");
        _clipsBefore = await db.Clips.CountAsync();
    }

    public ValueTask DisposeAsync()
    {
        _scenario.Dispose();
        return ValueTask.CompletedTask;
    }

    private ClipUploadService Service() => _scenario.Database.Get<ClipUploadService>();

    /// <summary>The app's service with a smaller upload limit; everything else as registered.</summary>
    private ClipUploadService Service(long maxBytes) => ActivatorUtilities.CreateInstance<ClipUploadService>(_scenario.Database.Services,
        Options.Create(new ConsentDashboardOptions { DataFolder = _scenario.Database.DataFolder, MaxClipBytes = maxBytes }));

    private ClipUploadInput Input(Guid? cameraId = null) =>
        new() { CameraId = cameraId ?? _camera.Id, RecordedStart = _scenario.Time.GetUtcNow().UtcDateTime.AddHours(-3) };

    private async Task AssertNothingStoredAsync()
    {
        await using var db = _scenario.Database.CreateDbContext();
        Assert.Equal(_clipsBefore, await db.Clips.CountAsync());
        var clipsFolder = Path.Combine(_scenario.Database.DataFolder, "clips");
        Assert.Empty(Directory.Exists(clipsFolder) ? Directory.EnumerateFiles(clipsFolder, "*", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public async Task Upload_OfAWebm_IsStoredByHash_WithItsLengthReadFromTheFile()
    {
        await using var file = File.OpenRead(DemoClip);
        var input = Input();

        var clip = await Service().UploadAsync(_scenario.UserA, input, file);

        Assert.Equal(input.RecordedStart!.Value.AddSeconds(6), clip.RecordedEnd);
        Assert.Equal("video/webm", clip.ContentType);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(DemoClip))), clip.Sha256);
        await using var db = _scenario.Database.CreateDbContext();
        var stored = await db.Clips.SingleAsync(c => c.Id == clip.Id);
        Assert.Equal(await File.ReadAllBytesAsync(DemoClip), await File.ReadAllBytesAsync(_scenario.Database.Get<ClipStorage>().TryGetPath(stored.StorageKey)!));
    }

    [Fact]
    public async Task Upload_OfATextFileNamedLikeAVideo_IsRefused_AndNothingIsStored()
    {
        await using var text = new MemoryStream(Encoding.UTF8.GetBytes("This is a shopping list, saved as holiday.webm.\n"));

        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => Service().UploadAsync(_scenario.UserA, Input(), text));

        Assert.Contains("not a WebM or MP4 video", refused.Message);
        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData("webm")]
    [InlineData("mp4")]
    public async Task Upload_OfMarkupBehindAVideosFirstBytes_IsRefused_AndNothingIsStored(string disguise)
    {
        // What an attacker stored before: the magic bytes of a container, then a page or a drawing.
        byte[] header = disguise == "webm"
            ? [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01]
            : [0x00, 0x00, 0x00, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m', 0, 0, 0, 0,
                (byte)'i', (byte)'s', (byte)'o', (byte)'m', (byte)'m', (byte)'p', (byte)'4', (byte)'2'];
        var markup = disguise == "webm"
            ? "<html><body><script>alert(document.cookie)</script></body></html>"
            : "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><circle r=\"40\"/></svg>";
        await using var file = new MemoryStream([.. header, .. Encoding.UTF8.GetBytes(markup + new string(' ', 300))]);

        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => Service().UploadAsync(_scenario.UserA, Input(), file));

        Assert.Contains("no playable video track", refused.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Upload_OfAnEmptyFile_IsRefused_AndNothingIsStored()
    {
        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => Service().UploadAsync(_scenario.UserA, Input(), new MemoryStream()));

        Assert.Contains("empty", refused.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Upload_OverTheSizeLimit_IsRefused_AndNothingIsStored()
    {
        await using var file = File.OpenRead(DemoClip);

        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => Service(maxBytes: 100 * 1024).UploadAsync(_scenario.UserA, Input(), file));

        Assert.Contains("larger than", refused.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Upload_ToAnotherResidentsCamera_IsRefused_AndNothingIsStored()
    {
        await using var file = File.OpenRead(DemoClip);

        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => Service().UploadAsync(_scenario.UserB, Input(), file));

        Assert.Equal(CameraService.NotYours, refused.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Upload_WithoutAStartTimeOrStartingInTheFuture_IsRefusedWithTheRule()
    {
        await using var file = File.OpenRead(DemoClip);
        var noStart = Input();
        noStart.RecordedStart = null;
        var future = Input();
        future.RecordedStart = _scenario.Time.GetUtcNow().UtcDateTime.AddMinutes(5);

        var missing = await Assert.ThrowsAsync<ActionRefusedException>(() => Service().UploadAsync(_scenario.UserA, noStart, file));
        var ahead = await Assert.ThrowsAsync<ActionRefusedException>(() => Service().UploadAsync(_scenario.UserA, future, file));

        Assert.Equal("Enter when the recording started.", missing.Message);
        Assert.Equal("The recording cannot start in the future.", ahead.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Upload_OfTheSameVideoTwiceForOneCamera_IsRefused_AndTheFirstCopyStays()
    {
        await using (var first = File.OpenRead(DemoClip))
        {
            await Service().UploadAsync(_scenario.UserA, Input(), first);
        }

        await using var second = File.OpenRead(DemoClip);
        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => Service().UploadAsync(_scenario.UserA, Input(), second));

        Assert.Equal("You already uploaded this video for Porch.", refused.Message);
        await using var db = _scenario.Database.CreateDbContext();
        var kept = await db.Clips.SingleAsync(c => c.SizeBytes == new FileInfo(DemoClip).Length);
        Assert.NotNull(_scenario.Database.Get<ClipStorage>().TryGetPath(kept.StorageKey));
    }

    [Theory]
    [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0x01, 0, 0, 0 }, "video/webm")]
    [InlineData(new byte[] { 0, 0, 0, 0x20, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m' }, "video/mp4")]
    [InlineData(new byte[] { (byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', (byte)'1' }, null)]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, null)]
    public void ClipFormat_IsDecidedByTheLeadingBytes(byte[] header, string? expected) =>
        Assert.Equal(expected, ClipFormat.DetectContentType(header));
}
