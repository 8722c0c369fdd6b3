using System.Text.Json;
using System.Text.RegularExpressions;
using ConsentDashboard.Data;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

public sealed class ResidentShareFlowTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Case = "LBPD-2026-04417";

    [Fact]
    public async Task Resident_PlaysAClip_SharesOneOfTwo_FindsItInDisclosures_DownloadsReceipt_Revokes()
    {
        var page = await browser.NewPageAsync(timeZone: "America/Detroit");
        await page.SignInAsync(DemoAccounts.Resident);
        await page.WaitForURLAsync(new Regex("/inbox$"));
        await page.WaitForCircuitAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = Case }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/inbox/[0-9a-f-]{36}$"));
        await page.WaitForCircuitAsync();

        // The window reads in the resident's own time: the request asked for 21:00–23:30 UTC, which is 16:00–18:30 in Detroit in winter.
        await Assertions.Expect(page.GetByTestId("notice-window")).ToContainTextAsync("16:00–18:30 UTC\u22125");
        await Assertions.Expect(page.GetByTestId("sketch-area")).ToBeVisibleAsync();

        var players = page.Locator("video[data-testid^=player-]");
        await Assertions.Expect(players).ToHaveCountAsync(2);
        Assert.True(await players.First.VideoDurationAsync() > 0, "The clip did not load in the browser.");

        // Nothing is chosen for the resident.
        var choices = page.Locator("input[data-testid^=clip-select-]");
        await Assertions.Expect(choices).ToHaveCountAsync(2);
        await Assertions.Expect(choices.Nth(0)).Not.ToBeCheckedAsync();
        await Assertions.Expect(choices.Nth(1)).Not.ToBeCheckedAsync();
        await Assertions.Expect(page.GetByTestId("share-button")).ToBeDisabledAsync();

        var chosenClipId = Guid.Parse((await choices.First.GetAttributeAsync("data-testid"))!["clip-select-".Length..]);
        await choices.Nth(0).CheckAsync();
        await page.GetByTestId("share-button").ClickAsync();
        var summary = page.GetByTestId("share-summary");
        await Assertions.Expect(summary).ToContainTextAsync("Larkspur Bay Police Department");
        await Assertions.Expect(summary).ToContainTextAsync("this clip");
        await page.GetByTestId("confirm-share").ClickAsync();

        await Assertions.Expect(page.GetByTestId($"clip-shared-{chosenClipId}")).ToBeVisibleAsync();
        await Assertions.Expect(choices).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Link, new() { Name = "Disclosures" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/disclosures$"));
        await page.WaitForCircuitAsync();
        var disclosureId = await DisclosureIdAsync(chosenClipId);
        var card = page.GetByTestId($"disclosure-{disclosureId}");
        await Assertions.Expect(card).ToContainTextAsync(Case);
        await Assertions.Expect(card.GetByTestId("disclosure-state")).ToHaveTextAsync("Active");

        var download = await page.RunAndWaitForDownloadAsync(() => card.GetByTestId($"receipt-{disclosureId}").ClickAsync());
        var receiptPath = await download.PathAsync();
        using (var receipt = JsonDocument.Parse(await File.ReadAllTextAsync(receiptPath)))
        {
            Assert.Equal("KI-CR-v1.1.0", receipt.RootElement.GetProperty("version").GetString());
            Assert.Equal(disclosureId.ToString(), receipt.RootElement.GetProperty("consentReceiptID").GetString());
            var purpose = receipt.RootElement.GetProperty("services")[0].GetProperty("purposes")[0];
            Assert.Equal("Larkspur Bay Police Department", purpose.GetProperty("thirdPartyName").GetString());
        }

        await card.GetByTestId("revoke-button").ClickAsync();
        await page.GetByTestId("confirm-revoke").ClickAsync();
        await Assertions.Expect(card.GetByTestId("disclosure-state")).ToHaveTextAsync("Revoked");
        await Assertions.Expect(card.GetByTestId("revoke-button")).ToHaveCountAsync(0);

        await using var db = browser.App.CreateDbContext();
        Assert.NotNull((await db.Disclosures.SingleAsync(d => d.Id == disclosureId)).RevokedAt);
    }

    [Fact]
    public async Task Resident_AddsACamera_UploadsAClipToIt_AndPlaysIt()
    {
        var page = await browser.NewPageAsync();
        await page.SignInAsync(DemoAccounts.OtherResident);
        await page.WaitForURLAsync(new Regex("/inbox$"));
        await page.GotoAsync("/cameras");
        await page.WaitForCircuitAsync();

        await page.GetByTestId("add-camera").ClickAsync();
        await page.Locator("input[data-testid=camera-label]").FillAsync("Attic window");
        await page.Locator("input[data-testid=camera-latitude]").FillAsync("91");
        await page.GetByTestId("save-camera").ClickAsync();
        await Assertions.Expect(page.GetByTestId("camera-dialog")).ToContainTextAsync("Latitude is between -90 and 90 degrees.");
        await page.Locator("input[data-testid=camera-latitude]").FillAsync("46.2051");
        await page.Locator("input[data-testid=camera-longitude]").FillAsync("-84.0468");
        await page.GetByTestId("save-camera").ClickAsync();
        await Assertions.Expect(page.GetByTestId("camera-table")).ToContainTextAsync("Attic window");

        await page.GetByRole(AriaRole.Link, new() { Name = "Clips" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/clips$"));
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.GetByTestId("upload-camera")).ToContainTextAsync("Attic window");
        await page.Locator("input[data-testid=upload-start]").FillAsync(DateTime.UtcNow.AddHours(-5).ToString("yyyy-MM-ddTHH:mm"));
        await page.Locator("input[data-testid=upload-file]").SetInputFilesAsync(Path.Combine(AppContext.BaseDirectory, "DemoMedia", "garden-mandelbrot.webm"));
        await Assertions.Expect(page.GetByTestId("upload-file-name")).ToContainTextAsync("garden-mandelbrot.webm");
        await page.GetByTestId("upload-button").ClickAsync();

        // The length comes from the file itself: 8 seconds.
        await Assertions.Expect(page.GetByText("Uploaded 8 s of video from Attic window.")).ToBeVisibleAsync();
        var player = page.Locator("video[data-testid^=player-]");
        Assert.True(await player.VideoDurationAsync() > 7);
    }

    private async Task<Guid> DisclosureIdAsync(Guid clipId)
    {
        await using var db = browser.App.CreateDbContext();
        return await db.Disclosures.Where(d => d.ClipId == clipId).Select(d => d.Id).SingleAsync();
    }
}
