using System.Text.RegularExpressions;
using ConsentDashboard.Tests.Support;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

/// <summary>What a keyboard-only user meets: a skip link first, one main landmark, the page's h1 as its first heading, and an auditor opening and closing a log entry without a mouse.</summary>
public sealed class KeyboardTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AnAuditor_OpensALogEntryWithEnter_ClosesItWithEscape_AndFocusReturnsToTheRow()
    {
        var page = await browser.NewPageAsync();
        await page.SignInAsync(DemoAccounts.Auditor);
        await page.WaitForURLAsync(new Regex("/audit$"));
        await page.WaitForCircuitAsync();
        var first = page.Locator("[data-testid^=open-entry-]").First;
        await Assertions.Expect(first).ToBeVisibleAsync();
        var testId = await first.GetAttributeAsync("data-testid");

        // The skip link is the first thing Tab reaches on the page, and following it puts focus in the main content.
        Assert.Equal("skip-link", await page.EvaluateAsync<string?>(
            "() => document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex=\"-1\"])').getAttribute('data-testid')"));
        await page.GetByTestId("skip-link").FocusAsync();
        await Assertions.Expect(page.GetByTestId("skip-link")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("main-content", await page.EvaluateAsync<string>("() => document.activeElement.id"));

        await first.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync($"Entry {testId!["open-entry-".Length..]}");
        // Focus moves into the dialog, so Escape and Tab act on it.
        await page.WaitForFunctionAsync("() => document.activeElement && document.activeElement.closest('[role=dialog]') !== null");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"[data-testid={testId}]")).ToBeFocusedAsync();
    }

    [Theory]
    [InlineData("/inbox")]
    [InlineData("/disclosures")]
    [InlineData("/cameras")]
    public async Task EveryPage_HasOneMainLandmark_AndItsH1IsTheFirstHeading(string path)
    {
        var page = await browser.NewPageAsync();
        await page.SignInAsync(DemoAccounts.Resident);
        await page.WaitForURLAsync(new Regex("/inbox$"));
        await page.GotoAsync(path);
        await page.WaitForCircuitAsync();
        Assert.Equal(1, await page.Locator("main").CountAsync());
        Assert.Equal("H1", await page.EvaluateAsync<string>("() => document.querySelector('h1, h2, h3, h4, h5, h6').tagName"));
        Assert.Equal(1, await page.Locator("main h1").CountAsync());
    }
}
