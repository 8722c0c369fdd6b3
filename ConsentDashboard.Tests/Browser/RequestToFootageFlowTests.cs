using System.Globalization;
using System.Text.RegularExpressions;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

public sealed class RequestToFootageFlowTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Case = "LBPD-2026-05001";

    [Fact]
    public async Task OfficerFilesARequest_ResidentSeesItArriveAndShares_OfficerPlaysTheClip()
    {
        // The resident already has the inbox open.
        var resident = await browser.NewPageAsync();
        await resident.SignInAsync(DemoAccounts.Resident);
        await resident.WaitForURLAsync(new Regex("/inbox$"));
        await resident.WaitForCircuitAsync();
        await Assertions.Expect(resident.GetByTestId("inbox-table")).Not.ToContainTextAsync(Case);

        // A request over one of the resident's cameras, for a window around its latest finished clip.
        var (latitude, longitude, clipStart) = await TargetAsync();
        var officer = await browser.NewPageAsync();
        await officer.SignInAsync(DemoAccounts.Officer);
        await officer.WaitForURLAsync(new Regex("/agency/requests$"));
        await officer.WaitForCircuitAsync();
        await officer.GetByTestId("new-request").ClickAsync();
        await officer.WaitForURLAsync(new Regex("/agency/requests/new$"));
        await officer.WaitForCircuitAsync();
        await officer.Locator("input[data-testid=request-case]").FillAsync(Case);
        await officer.Locator("[data-testid=request-incident]").First.ClickAsync();
        await officer.GetByRole(AriaRole.Option, new() { Name = "Burglary" }).ClickAsync();
        await officer.Locator("textarea[data-testid=request-description]").FillAsync("Shed forced open overnight; looking for anyone carrying tools.");
        await officer.Locator("input[data-testid=request-latitude]").FillAsync(latitude.ToString("0.000000", CultureInfo.InvariantCulture));
        await officer.Locator("input[data-testid=request-longitude]").FillAsync(longitude.ToString("0.000000", CultureInfo.InvariantCulture));
        await officer.Locator("input[data-testid=request-radius]").FillAsync("300");
        await Assertions.Expect(officer.GetByTestId("request-area")).ToContainTextAsync("0.109 sq mi (0.283 km²)");
        await officer.Locator("input[data-testid=request-window-start]").FillAsync(clipStart.AddMinutes(-30).ToString("yyyy-MM-ddTHH:mm"));
        await officer.Locator("input[data-testid=request-window-end]").FillAsync(clipStart.AddMinutes(30).ToString("yyyy-MM-ddTHH:mm"));
        await officer.GetByTestId("file-request").ClickAsync();
        await officer.WaitForURLAsync(new Regex("/agency/requests/[0-9a-f-]{36}$"));
        await Assertions.Expect(officer.GetByTestId("no-shared-clips")).ToBeVisibleAsync();

        // It reaches the open inbox without a reload, and the resident shares one clip.
        await Assertions.Expect(resident.GetByTestId("inbox-table")).ToContainTextAsync(Case);
        await resident.GetByRole(AriaRole.Link, new() { Name = Case }).ClickAsync();
        await resident.WaitForURLAsync(new Regex("/inbox/[0-9a-f-]{36}$"));
        await resident.WaitForCircuitAsync();
        var choice = resident.Locator("input[data-testid^=clip-select-]").First;
        var clipId = (await choice.GetAttributeAsync("data-testid"))!["clip-select-".Length..];
        await choice.CheckAsync();
        await resident.GetByTestId("share-button").ClickAsync();
        await resident.GetByTestId("confirm-share").ClickAsync();
        await Assertions.Expect(resident.GetByTestId($"clip-shared-{clipId}")).ToBeVisibleAsync();

        // The officer sees it as a numbered neighbour and plays it; the view is logged for the resident.
        await officer.ReloadAsync();
        await officer.WaitForCircuitAsync();
        var card = officer.GetByTestId($"shared-clip-{clipId}");
        await Assertions.Expect(card.GetByTestId("resident-label")).ToHaveTextAsync("Neighbor 1");
        Assert.True(await card.Locator("video").VideoDurationAsync() > 0, "The shared clip did not play for the officer.");
        await using var db = browser.App.CreateDbContext();
        var disclosureId = await db.Disclosures.Where(d => d.ClipId == Guid.Parse(clipId)).Select(d => d.Id).SingleAsync();
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Subject == $"disclosure:{disclosureId}" && e.Action == nameof(ClipViewed)));
    }

    private async Task<(double Latitude, double Longitude, DateTime ClipStart)> TargetAsync()
    {
        await using var db = browser.App.CreateDbContext();
        var now = DateTime.UtcNow;
        var clip = await db.Clips
            .Where(c => c.Camera!.Owner!.Email == DemoAccounts.Resident && c.RecordedEnd < now.AddMinutes(-40))
            .OrderByDescending(c => c.RecordedStart)
            .Select(c => new { c.Camera!.Latitude, c.Camera.Longitude, c.RecordedStart })
            .FirstAsync();
        return (clip.Latitude, clip.Longitude, clip.RecordedStart);
    }
}
