using System.Globalization;
using System.Text.RegularExpressions;
using ConsentDashboard.Features.LegalDemands;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

/// <summary>
/// A warrant with a 30-day delayed notice, through the admin's form: no resident page shows it, the officer plays the clip,
/// the clock passes the notice date, and the resident reads the demand and cannot revoke the clip.
/// </summary>
public sealed class LegalDemandFlowTests(FakeTimeBrowserFixture browser) : IClassFixture<FakeTimeBrowserFixture>
{
    private const string Reference = "LC-2026-CR-0931";
    private const string Court = "Larkspur County Circuit Court";

    [Fact]
    public async Task AdminRecordsAWarrantWithADelayedNotice_ResidentSeesNothingUntilTheDate_OfficerPlaysTheClip_ThenTheResidentIsTold()
    {
        var now = browser.Time.GetUtcNow().UtcDateTime;
        var admin = await browser.NewPageAsync();
        await admin.SignInAsync(DemoAccounts.Admin);
        await admin.WaitForURLAsync(new Regex("/admin$"));
        await admin.GotoAsync("/admin/legal-demands/new");
        await admin.WaitForCircuitAsync();

        await ChooseAsync(admin, "demand-agency", ConsentDashboard.Infrastructure.Seeding.DemoCity.AgencyName);
        await ChooseAsync(admin, "demand-basis", "Warrant");
        await admin.Locator("input[data-testid=demand-court]").FillAsync(Court);
        await admin.Locator("input[data-testid=demand-reference]").FillAsync(Reference);
        await admin.Locator("input[data-testid=demand-date]").FillAsync(now.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await admin.Locator("textarea[data-testid=demand-description]").FillAsync("Footage of the street during the Heron Street burglary.");

        // Recording without the document is refused at its field, and nothing is stored.
        await admin.GetByTestId("record-demand").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("demand-document-error")).ToHaveTextAsync("Attach the document itself, as a PDF.");
        var pdf = Path.Combine(Path.GetTempPath(), $"warrant-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(pdf, Support.LegalDemands.Pdf());
        await admin.Locator("input[data-testid=demand-document]").SetInputFilesAsync(pdf);
        await Assertions.Expect(admin.GetByTestId("demand-document-name")).ToContainTextAsync(Path.GetFileName(pdf));

        await admin.Locator("input[data-testid=demand-resident]").FillAsync(DemoAccounts.Resident);
        await admin.GetByTestId("find-cameras").ClickAsync();
        await admin.Locator("input[data-testid^=camera-choice-]").First.CheckAsync();
        await admin.Locator("input[data-testid=demand-from]").FillAsync(now.AddDays(-5).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await admin.Locator("input[data-testid=demand-to]").FillAsync(now.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await admin.GetByTestId("show-clips").ClickAsync();
        var clipChoice = admin.Locator("input[data-testid^=clip-choice-]").First;
        var clipId = Guid.Parse((await clipChoice.GetAttributeAsync("data-testid"))!["clip-choice-".Length..]);
        await clipChoice.CheckAsync();

        await admin.Locator("[data-testid=notice-delayed] input, input[data-testid=notice-delayed]").First.CheckAsync();
        await admin.Locator("input[data-testid=demand-notice-at]").FillAsync(now.AddDays(30).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await admin.Locator("textarea[data-testid=demand-delay-reason]").FillAsync("Telling the resident now would alert the suspect.");
        await admin.GetByTestId("record-demand").ClickAsync();
        await admin.WaitForURLAsync(new Regex("/admin/legal-demands#demand-"));
        await Assertions.Expect(admin.GetByTestId("legal-demand-table")).ToContainTextAsync(Reference);
        await Assertions.Expect(admin.GetByTestId("legal-demand-table")).ToContainTextAsync("Not yet told");

        // No resident page shows anything of it.
        var resident = await browser.NewPageAsync();
        await resident.SignInAsync(DemoAccounts.Resident);
        await resident.WaitForURLAsync(new Regex("/inbox$"));
        foreach (var path in new[] { "/inbox", "/disclosures", "/clips", "/cameras", "/preferences" })
        {
            await resident.GotoAsync(path);
            await resident.WaitForCircuitAsync();
            var text = await resident.Locator("body").InnerTextAsync();
            Assert.DoesNotContain(Reference, text);
            Assert.DoesNotContain(Court, text);
            Assert.DoesNotContain("Legal demand", text);
        }

        // The officer plays the produced clip, exactly like a shared one, and the view is logged.
        var officer = await browser.NewPageAsync();
        await officer.SignInAsync(DemoAccounts.Officer);
        await officer.WaitForURLAsync(new Regex("/agency/requests$"));
        await officer.WaitForCircuitAsync();
        var card = officer.GetByTestId($"shared-clip-{clipId}");
        await Assertions.Expect(card.GetByTestId("resident-label")).ToHaveTextAsync("Named in the demand");
        Assert.True(await card.Locator("video").VideoDurationAsync() > 0, "The produced clip did not play for the officer.");
        await using (var db = browser.App.CreateDbContext())
        {
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == nameof(ClipViewed) && e.CaseNumber == Reference && e.LegalBasis == "Warrant"));
        }

        // The notice date passes; the app's own sweep tells the resident.
        browser.Time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(2));
        await using (var db = browser.App.CreateDbContext())
        {
            for (var attempt = 0; attempt < 100 && !await db.LegalDemands.AnyAsync(d => d.Reference == Reference && d.NoticeDeliveredAt != null); attempt++)
            {
                await Task.Delay(100);
            }

            Assert.True(await db.LegalDemands.AnyAsync(d => d.Reference == Reference && d.NoticeDeliveredAt != null), "The sweep did not deliver the notice.");
            Assert.True(await db.OutboxMessages.AnyAsync(m => m.Kind == LegalDemandNotices.MailKind && m.To == DemoAccounts.Resident));
        }

        // Thirty days later the resident signs in again and reads it.
        var later = await browser.NewPageAsync();
        await later.SignInAsync(DemoAccounts.Resident);
        await later.WaitForURLAsync(new Regex("/inbox$"));
        await later.WaitForCircuitAsync();
        var notice = later.GetByTestId("legal-demands");
        await Assertions.Expect(notice).ToContainTextAsync("Legal demand from Larkspur Bay Police Department");
        await Assertions.Expect(notice.GetByTestId("legal-demand-citation")).ToContainTextAsync($"{Court}, {Reference}");
        await Assertions.Expect(notice).ToContainTextAsync("Telling the resident now would alert the suspect.");
        await notice.GetByTestId("legal-demand-disclosures").First.ClickAsync();
        await later.WaitForURLAsync(new Regex("/disclosures$"));
        await later.WaitForCircuitAsync();
        await using (var db = browser.App.CreateDbContext())
        {
            var disclosureId = await db.Disclosures.Where(d => d.LegalDemand!.Reference == Reference).Select(d => d.Id).SingleAsync();
            var disclosure = later.GetByTestId($"disclosure-{disclosureId}");
            await Assertions.Expect(disclosure.GetByTestId("compelled")).ToContainTextAsync("You cannot revoke it");
            await Assertions.Expect(disclosure.GetByTestId("disclosure-basis")).ToContainTextAsync($"Warrant ({Court}, {Reference}");
            await Assertions.Expect(disclosure.GetByTestId("revoke-button")).ToHaveCountAsync(0);
        }
    }

    private static async Task ChooseAsync(IPage page, string testId, string option)
    {
        await page.Locator($"[data-testid={testId}]").First.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option }).ClickAsync();
    }
}
