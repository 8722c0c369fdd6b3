using System.Text.RegularExpressions;
using ConsentDashboard.Data;
using ConsentDashboard.Tests.Support;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

/// <summary>
/// axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on every page each role can reach, in the light and the dark theme,
/// at 1280 px and at 375 px: no critical and no serious violation anywhere. It failed before the palette, link and
/// scrolling fixes: white text on the dark theme's green buttons, light-mode alert and error colours, links told apart by
/// colour alone, and tables that scroll sideways without keyboard access.
/// </summary>
[Collection(nameof(AccessibilityScanTests))]
public sealed class AccessibilityScanTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly List<string> Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

    public static TheoryData<string> RolesToScan => ["Anonymous", "Resident", "Officer", "Auditor", "Reviewer", "Admin"];

    /// <summary>
    /// Three looks: both themes at 1280 px, and the light theme at 375 px. Colours do not depend on the width and layout
    /// does not depend on the theme, so dark at 375 px adds nothing but another minute of axe's contrast checks.
    /// </summary>
    [Theory]
    [MemberData(nameof(RolesToScan))]
    public async Task EveryPageOfTheRole_HasNoSeriousOrCriticalViolation_InBothThemesAndAtPhoneWidth(string role)
    {
        var all = new List<string>();
        foreach (var (dark, width) in new[] { (false, 1280), (true, 1280), (false, 375) })
        {
            all.AddRange(await ScanAsync(role, dark, width));
        }

        Assert.True(all.Count == 0, string.Join("\n", all));
    }

    private async Task<List<string>> ScanAsync(string role, bool dark, int width)
    {
        var page = await browser.NewPageAsync(width, 900);
        await page.Context.AddCookiesAsync([new Cookie { Name = "cd-theme", Value = dark ? "dark" : "light", Url = browser.BaseAddress }]);
        var email = role switch
        {
            "Resident" => DemoAccounts.Resident,
            "Officer" => DemoAccounts.Officer,
            "Auditor" => DemoAccounts.Auditor,
            "Reviewer" => DemoAccounts.Reviewer,
            "Admin" => DemoAccounts.Admin,
            _ => null,
        };
        if (email is not null)
        {
            await page.SignInAsync(email);
            await page.WaitForURLAsync(new Regex("^(?!.*/Account/Login).*$"));
        }

        var problems = new List<string>();
        var first = true;
        foreach (var path in await PagesAsync(role, email))
        {
            await page.GotoAsync(path);
            if (!path.StartsWith("/Account", StringComparison.Ordinal))
            {
                // Interactive pages are scanned once the circuit has rendered them; the account pages are static.
                await page.WaitForCircuitAsync();
            }

            // The navigation drawer is the same on every page of a look: it is scanned with the first page only.
            var options = new AxeRunOptions
            {
                RunOnly = new RunOnlyOptions { Type = "tag", Values = Tags },
                // Only violations come back: passes and inapplicable rules would be most of the payload.
                ResultTypes = [ResultType.Violations],
            };
            var result = first ? await page.RunAxe(options) : await page.RunAxe(new AxeRunContext { Exclude = [new AxeSelector(".mud-drawer")] }, options);
            first = false;
            foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
            {
                problems.Add($"{path} [{violation.Impact}] {violation.Id}: {violation.Help} — " +
                    string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html.Length > 160 ? n.Html[..160] : n.Html)));
            }
        }

        var look = $"{role}, {(dark ? "dark" : "light")}, {width} px";
        return problems.Select(p => $"{look}: {p}").ToList();
    }

    private async Task<List<string>> PagesAsync(string role, string? email)
    {
        await using var db = browser.App.CreateDbContext();
        switch (role)
        {
            case "Resident":
                var notice = await db.RequestNotices.Where(n => n.Resident!.Email == email).Select(n => n.Id).FirstAsync();
                return ["/inbox", $"/inbox/{notice}", "/cameras", "/clips", "/disclosures", "/preferences", "/Account/Manage", "/public/requests"];
            case "Officer":
                var request = await db.FootageRequests.Where(r => r.Status == RequestStatus.Open).Select(r => r.Id).FirstAsync();
                return ["/agency/requests", "/agency/requests/new", $"/agency/requests/{request}"];
            case "Auditor":
                return ["/audit", "/audit/verify", "/audit/report", "/audit/legal-demands"];
            case "Reviewer":
                return ["/review"];
            case "Admin":
                return ["/admin", "/admin/legal-demands", "/admin/legal-demands/new"];
            default:
                return ["/", "/Account/Login", "/Account/Register", "/Account/ForgotPassword", "/privacy", "/public/requests", "/log/heads", "/log/check-receipt"];
        }
    }
}

/// <summary>axe's contrast checks keep a core busy for seconds per page: the scan runs alone, not beside other browser tests.</summary>
[CollectionDefinition(nameof(AccessibilityScanTests), DisableParallelization = true)]
public sealed class AccessibilityScanCollection;
