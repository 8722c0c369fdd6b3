using Bunit;
using ConsentDashboard.Features.Cameras;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Cameras;

public sealed class ClipsPageTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private ResidentScenario _scenario = null!;
    private BunitContext _context = null!;

    public async ValueTask InitializeAsync()
    {
        _scenario = await ResidentScenario.CreateAsync();
        _context = ResidentPageContext.Create(_scenario, _scenario.ResidentA, maxClipBytes: 100 * 1024);
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _scenario.Dispose();
        _data.Dispose();
    }

    private async Task<string> UploadAsync(InputFileContent file)
    {
        var page = _context.RenderWithProviders<ClipsPage>();
        page.WaitForElement("[data-testid=upload-panel]");
        page.Find("input[data-testid=upload-start]").Change(_scenario.Time.GetUtcNow().UtcDateTime.AddHours(-2).ToString("yyyy-MM-ddTHH:mm"));
        page.FindComponent<InputFile>().UploadFiles(file);
        if (page.FindAll("[data-testid=upload-error]").Count == 0)
        {
            page.Find("[data-testid=upload-button]").Click();
        }

        return page.WaitForElement("[data-testid=upload-error]").TextContent;
    }

    private async Task AssertNothingStoredAsync()
    {
        await using var db = _scenario.Database.CreateDbContext();
        Assert.Equal(5, await db.Clips.CountAsync());
        Assert.False(Directory.Exists(Path.Combine(_data.Path, "clips")) && Directory.EnumerateFiles(Path.Combine(_data.Path, "clips"), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task RenamedTextFile_ShowsWhyAndStoresNothing()
    {
        var message = await UploadAsync(InputFileContent.CreateFromText("Meeting notes, not a video.", "porch-tuesday.webm"));

        Assert.Contains("This file is not a WebM or MP4 video.", message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task EmptyFile_ShowsWhyAndStoresNothing()
    {
        var message = await UploadAsync(InputFileContent.CreateFromBinary([], "empty.mp4"));

        Assert.Contains("empty", message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task OverLimitFile_ShowsTheLimitAsSoonAsItIsChosen_AndStoresNothing()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "DemoMedia", "porch-testpattern.webm"));

        var message = await UploadAsync(InputFileContent.CreateFromBinary(bytes, "porch.webm", contentType: "video/webm"));

        Assert.Contains("the limit is 100 KB", message);
        await AssertNothingStoredAsync();
    }
}
