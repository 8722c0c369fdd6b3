using System.Text.RegularExpressions;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

/// <summary>
/// The auditor's browser as a witness the database intruder cannot reach: it keeps the log's head on each visit, and
/// after the newest entries are removed together with every checkpoint row, or an entry's details are broken, the page
/// says so plainly, names the first failing entry, and verify-log agrees against the head saved from the browser.
/// </summary>
public sealed class WitnessFlowTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string KeptHeadKey = "consentdashboard.audit.keptHead";

    [Fact]
    public async Task TheAuditorsBrowser_CatchesTheLogRolledBackAndAnEntryBroken_AndVerifyLogAgreesWithItsSavedHead()
    {
        var auditor = await browser.NewPageAsync();
        await auditor.SignInAsync(DemoAccounts.Auditor);
        await auditor.WaitForURLAsync(new Regex("/audit$"));
        await auditor.WaitForCircuitAsync();
        await auditor.GetByRole(AriaRole.Link, new() { Name = "Verify integrity" }).ClickAsync();
        await auditor.WaitForURLAsync(new Regex("/audit/verify$"));
        await Assertions.Expect(auditor.GetByTestId("witness-result")).ToHaveAttributeAsync("data-status", new Regex("FirstVisit|Matches"));
        var kept = System.Text.Json.JsonDocument.Parse((await auditor.EvaluateAsync<string>($"localStorage.getItem('{KeptHeadKey}')"))!);
        var headJson = kept.RootElement.GetProperty("Head").GetRawText();
        var size = SignedTreeHead.Parse(headJson)!.TreeSize;
        var headFile = Path.Combine(browser.App.DataFolder, "browser-head.json");
        await File.WriteAllTextAsync(headFile, headJson);
        var keyFile = Path.Combine(browser.App.DataFolder, "log-key.pem");
        await File.WriteAllTextAsync(keyFile, browser.App.Services.GetService(typeof(AuditCheckpointSigner)) is AuditCheckpointSigner signer ? signer.PublicKeyPem : "");

        // The intruder removes the newest three entries and every checkpoint row that could vouch for them.
        var firstRemoved = Math.Max(2, size - 2);
        await TamperAsync($"""
            DROP TRIGGER "AuditEntries_RefuseDelete";
            DELETE FROM "AuditEntries" WHERE "Sequence" >= {firstRemoved};
            DELETE FROM "AuditCheckpoints";
            """);
        var copy = await CopyAsync("rolled-back.db");
        var offline = await AppCommand.RunAsync([OfflineVerifier.Command, "--database", copy, "--public-key", keyFile, "--trusted-head", headFile]);
        Assert.Equal(1, offline.ExitCode);
        Assert.Contains($"First failing entry: {firstRemoved} (Missing)", offline.Output);

        await auditor.ReloadAsync();
        var witness = auditor.GetByTestId("witness-result");
        await Assertions.Expect(witness).ToHaveAttributeAsync("data-status", "Failed");
        await Assertions.Expect(witness).ToContainTextAsync("The log was rolled back");
        await Assertions.Expect(auditor.GetByTestId("witness-last-match")).ToContainTextAsync("It last matched on");
        await auditor.WaitForCircuitAsync();
        await auditor.GetByTestId("verify-button").ClickAsync();
        var result = auditor.GetByTestId("verify-result");
        await Assertions.Expect(result).ToHaveAttributeAsync("data-valid", "false");
        await Assertions.Expect(result.GetByTestId("first-failure")).ToContainTextAsync($"First failing entry: {firstRemoved} (Missing).");

        // Then one quote of the first entry's details is removed, so they are no longer JSON.
        await TamperAsync("""
            DROP TRIGGER "AuditEntries_RefuseUpdate";
            UPDATE "AuditEntries" SET "Details" = char(123) || substr("Details", 3) WHERE "Sequence" = 1;
            """);
        await auditor.GetByTestId("verify-button").ClickAsync();
        await Assertions.Expect(result.GetByTestId("verify-failure")).ToContainTextAsync("Entry 1 failed (Edited).");
        await Assertions.Expect(auditor.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        var broken = await AppCommand.RunAsync([OfflineVerifier.Command, "--database", await CopyAsync("broken.db"), "--public-key", keyFile, "--trusted-head", headFile]);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("First failing entry: 1 (Edited)", broken.Output);
    }

    private async Task TamperAsync(string sql)
    {
        var path = Path.Combine(browser.App.DataFolder, "consentdashboard.db");
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string> CopyAsync(string name)
    {
        var path = Path.Combine(browser.App.DataFolder, name);
        await using var db = browser.App.CreateDbContext();
        await db.Database.ExecuteSqlAsync($"VACUUM INTO {path}");
        return path;
    }
}
