using System.Text.RegularExpressions;
using ConsentDashboard.Tests.Support;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

/// <summary>Input far past a field's limit (the page's own limit removed) still gets its message at the field.</summary>
public sealed class LongInputTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AHundredKilobyteCaseNumber_IsRefusedAtTheField_AndThePageKeepsWorking()
    {
        var officer = await browser.NewPageAsync();
        await officer.SignInAsync(DemoAccounts.Officer);
        await officer.WaitForURLAsync(new Regex("/agency/requests$"));
        await officer.GotoAsync("/agency/requests/new");
        await officer.WaitForCircuitAsync();
        var caseNumber = officer.Locator("input[data-testid=request-case]");
        await caseNumber.EvaluateAsync("input => input.removeAttribute('maxlength')");

        await caseNumber.FillAsync(new string('7', 100 * 1024));
        await caseNumber.BlurAsync();

        await Assertions.Expect(officer.GetByText("A case number has at most 40 characters.")).ToBeVisibleAsync();
        await caseNumber.FillAsync("LBPD-OK-1");
        await caseNumber.BlurAsync();
        await Assertions.Expect(officer.GetByText("A case number has at most 40 characters.")).Not.ToBeVisibleAsync();
    }
}
