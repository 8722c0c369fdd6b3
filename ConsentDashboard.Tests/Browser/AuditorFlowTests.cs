using System.Text.RegularExpressions;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

public sealed class AuditorFlowTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Case = "LBPD-2026-04452";

    [Fact]
    public async Task Auditor_FindsADisclosureByCase_VerifiesTheLog_ThenSeesAnAlteredEntryNamed()
    {
        // A demo resident shares a clip in the browser.
        var resident = await browser.NewPageAsync();
        await resident.SignInAsync(DemoAccounts.OtherResident);
        await resident.WaitForURLAsync(new Regex("/inbox$"));
        await resident.WaitForCircuitAsync();
        await resident.GetByRole(AriaRole.Link, new() { Name = Case }).ClickAsync();
        await resident.WaitForCircuitAsync();
        await resident.Locator("input[data-testid^=clip-select-]").First.CheckAsync();
        await resident.GetByTestId("share-button").ClickAsync();
        await resident.GetByTestId("confirm-share").ClickAsync();
        await Assertions.Expect(resident.Locator("[data-testid^=clip-shared-]")).ToHaveCountAsync(1);

        // The auditor filters the log to the case and finds the disclosure, the resident shown only by pseudonym.
        var auditor = await browser.NewPageAsync();
        await auditor.SignInAsync(DemoAccounts.Auditor);
        await auditor.WaitForURLAsync(new Regex("/audit$"));
        await auditor.WaitForCircuitAsync();
        await auditor.Locator("input[data-testid=filter-case]").FillAsync(Case);
        await auditor.GetByTestId("filter-apply").ClickAsync();
        var grid = auditor.GetByTestId("audit-grid");
        await Assertions.Expect(grid).ToContainTextAsync("DisclosureCreated");
        await Assertions.Expect(grid).ToContainTextAsync("RequestCreated");
        await Assertions.Expect(grid).Not.ToContainTextAsync("Tomas");
        await Assertions.Expect(grid).Not.ToContainTextAsync(DemoAccounts.OtherResident);
        await grid.GetByRole(AriaRole.Row).Filter(new() { HasText = "DisclosureCreated" }).ClickAsync();
        var dialog = auditor.GetByTestId("audit-entry-dialog");
        await Assertions.Expect(dialog.GetByTestId("entry-details")).ToContainTextAsync("\"legalBasis\": \"Consent\"");
        await Assertions.Expect(dialog).ToContainTextAsync(new Regex("resident R-[A-Z2-9]{10}"));
        await auditor.Locator(".mud-dialog .mud-button-close").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);

        await auditor.GetByRole(AriaRole.Link, new() { Name = "Verify integrity" }).ClickAsync();
        await auditor.WaitForURLAsync(new Regex("/audit/verify$"));
        await auditor.WaitForCircuitAsync();
        await auditor.GetByTestId("checkpoint-button").ClickAsync();
        await Assertions.Expect(auditor.GetByTestId("checkpoint-result")).ToBeVisibleAsync();
        await auditor.GetByTestId("verify-button").ClickAsync();
        await Assertions.Expect(auditor.GetByTestId("verify-result")).ToHaveAttributeAsync("data-valid", "true");

        // Someone with the database file lifts the trigger and edits the disclosure's entry.
        var edited = await AlterDisclosureEntryAsync();
        await auditor.GetByTestId("verify-button").ClickAsync();
        var result = auditor.GetByTestId("verify-result");
        await Assertions.Expect(result).ToHaveAttributeAsync("data-valid", "false");
        await Assertions.Expect(result.GetByTestId("verify-failure")).ToContainTextAsync($"Entry {edited} failed (Edited).");
    }

    private async Task<long> AlterDisclosureEntryAsync()
    {
        await using var db = browser.App.CreateDbContext();
        var entry = await db.AuditEntries.Where(e => e.Action == nameof(DisclosureCreated) && e.CaseNumber == Case).SingleAsync();
        var path = Path.Combine(browser.App.DataFolder, "consentdashboard.db");
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DROP TRIGGER "AuditEntries_RefuseUpdate";
            UPDATE "AuditEntries" SET "Details" = replace("Details", '"allowDownload":false', '"allowDownload":true') WHERE "Sequence" = $sequence;
            """;
        command.Parameters.AddWithValue("$sequence", entry.Sequence);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
        return entry.Sequence;
    }
}
