using System.Text.RegularExpressions;
using ConsentDashboard.Tests.Support;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

/// <summary>
/// The app really runs under its Content-Security-Policy: every page each role reaches loads, connects its circuit, and
/// Chromium reports no violation.
/// </summary>
public sealed class ContentSecurityPolicyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    public static TheoryData<string, string[]> PagesByRole => new()
    {
        { DemoAccounts.Resident, ["/inbox", "/cameras", "/clips", "/disclosures", "/preferences", "/privacy", "/Account/Manage"] },
        { DemoAccounts.Officer, ["/agency/requests", "/agency/requests/new"] },
        { DemoAccounts.Auditor, ["/audit", "/audit/verify", "/audit/report"] },
        { DemoAccounts.Admin, ["/admin"] },
    };

    [Theory]
    [MemberData(nameof(PagesByRole))]
    public async Task EveryPage_LoadsAndConnects_WithoutAPolicyViolation(string email, string[] paths)
    {
        var page = await browser.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
            {
                violations.Add($"{page.Url}: {message.Text}");
            }
        };
        // Also catches violations a console message might not name, on every page this tab opens.
        await page.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))");
        await page.SignInAsync(email);
        await page.WaitForURLAsync(new Regex("^(?!.*/Account/Login).*$"));

        foreach (var path in paths)
        {
            await page.GotoAsync(path);
            if (!path.StartsWith("/Account", StringComparison.Ordinal))
            {
                await page.WaitForCircuitAsync();
            }
        }

        Assert.Empty(violations);
    }
}
