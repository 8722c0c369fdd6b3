using System.Globalization;
using System.Text.RegularExpressions;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

public sealed class RequestToFootageFlowTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Case = "LBPD-2026-05001";

    [Fact]
    public async Task OfficerFilesARequest_ReviewerApprovesIt_ResidentSeesItArriveAndShares_OfficerPlaysTheClip()
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
        var requestId = await officer.FileRequestAsync(new RequestForm(
            Case, "Burglary", "Shed forced open overnight; looking for anyone carrying tools.", latitude, longitude, 300,
            clipStart.AddMinutes(-30), clipStart.AddMinutes(30)),
            form => Assertions.Expect(form.GetByTestId("request-area")).ToContainTextAsync("0.109 sq mi (0.283 km²)"));
        await Assertions.Expect(officer.GetByTestId("awaiting-review")).ToBeVisibleAsync();
        await Assertions.Expect(officer.GetByTestId("request-status")).ToHaveTextAsync("Awaiting review");

        // Nobody hears of it until the reviewer approves it on /review.
        var reviewer = await browser.NewPageAsync();
        await reviewer.SignInAsync(DemoAccounts.Reviewer);
        await reviewer.WaitForURLAsync(new Regex("/review$"));
        await reviewer.WaitForCircuitAsync();
        var pending = reviewer.GetByTestId($"pending-{requestId}");
        await Assertions.Expect(pending).ToContainTextAsync(Case);
        await Assertions.Expect(pending).ToContainTextAsync("Shed forced open overnight");
        await Assertions.Expect(pending.GetByTestId("sketch-area")).ToBeVisibleAsync();
        await using (var before = browser.App.CreateDbContext())
        {
            Assert.False(await before.RequestNotices.AnyAsync(n => n.RequestId == requestId), "A request awaiting review must notify nobody.");
        }

        await Assertions.Expect(resident.GetByTestId("inbox-table")).Not.ToContainTextAsync(Case);
        await reviewer.GetByTestId($"approve-{requestId}").ClickAsync();
        await Assertions.Expect(pending).Not.ToBeVisibleAsync();
        await officer.ReloadAsync();
        await officer.WaitForCircuitAsync();
        await Assertions.Expect(officer.GetByTestId("request-status")).ToHaveTextAsync("Open");
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

        // Prerendering the form (its select) and the request pages found the popover host they need.
        await officer.GotoAsync("/agency/requests/new");
        await officer.WaitForCircuitAsync();
        Assert.DoesNotContain(browser.App.Warnings.Entries, entry => entry.Contains("MudPopoverProvider", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AReviewerRejectsARequest_TheOfficerReadsWhy_AndNoResidentEverSeesIt()
    {
        var (latitude, longitude, clipStart) = await TargetAsync();
        Guid requestId;
        await using (var db = browser.App.CreateDbContext())
        {
            var officerId = await db.Users.Where(u => u.Email == DemoAccounts.Officer).Select(u => u.Id).SingleAsync();
            await using var scope = browser.App.Services.CreateAsyncScope();
            requestId = await scope.ServiceProvider.GetRequiredService<ConsentDashboard.Features.Requests.AgencyRequestService>().FileAsync(
                Principals.For(officerId, ConsentDashboard.Infrastructure.Roles.Officer), new ConsentDashboard.Features.Requests.FootageRequestInput
                {
                    CaseNumber = "LBPD-2026-05999", IncidentType = ConsentDashboard.Data.IncidentType.Other,
                    Description = "Anyone who attended the rally on Heron Street.", OfficerContact = "desk",
                    CenterLatitude = latitude, CenterLongitude = longitude, RadiusMeters = 600,
                    WindowStart = clipStart.AddHours(-4), WindowEnd = clipStart.AddMinutes(30), ExpiresInDays = 14,
                });
        }

        var reviewer = await browser.NewPageAsync();
        await reviewer.SignInAsync(DemoAccounts.Reviewer);
        await reviewer.WaitForURLAsync(new Regex("/review$"));
        await reviewer.WaitForCircuitAsync();
        var pending = reviewer.GetByTestId($"pending-{requestId}");
        // A rejection needs a reason: without one, nothing happens but a message at the field.
        await pending.GetByTestId($"reject-{requestId}").ClickAsync();
        await Assertions.Expect(pending).ToContainTextAsync("Say why the request is rejected");
        await pending.Locator($"textarea[data-testid=reject-reason-{requestId}]").FillAsync("Targets people at a lawful gathering, not an incident.");
        await pending.GetByTestId($"reject-{requestId}").ClickAsync();
        await Assertions.Expect(pending).Not.ToBeVisibleAsync();

        var officer = await browser.NewPageAsync();
        await officer.SignInAsync(DemoAccounts.Officer);
        await officer.GotoAsync($"/agency/requests/{requestId}");
        await officer.WaitForCircuitAsync();
        await Assertions.Expect(officer.GetByTestId("request-status")).ToHaveTextAsync("Rejected");
        await Assertions.Expect(officer.GetByTestId("rejection")).ToContainTextAsync("Targets people at a lawful gathering, not an incident.");

        await using var check = browser.App.CreateDbContext();
        Assert.False(await check.RequestNotices.AnyAsync(n => n.RequestId == requestId), "A rejected request must never reach a resident.");
        var resident = await browser.NewPageAsync();
        await resident.SignInAsync(DemoAccounts.Resident);
        await resident.WaitForURLAsync(new Regex("/inbox$"));
        await resident.WaitForCircuitAsync();
        await Assertions.Expect(resident.GetByTestId("inbox-table")).Not.ToContainTextAsync("LBPD-2026-05999");
    }

    private async Task<(double Latitude, double Longitude, DateTime ClipStart)> TargetAsync()
    {
        await using var db = browser.App.CreateDbContext();
        return await DemoTargets.ResidentsLatestClipAsync(db);
    }
}
