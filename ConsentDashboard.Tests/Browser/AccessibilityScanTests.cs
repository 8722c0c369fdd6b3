using System.Text.RegularExpressions;
using ConsentDashboard.Data;
using ConsentDashboard.Tests.Support;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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

    public static TheoryData<string> RolesWithDialogs => ["Resident", "Auditor", "Admin"];

    /// <summary>Each dialog a role can open, scanned open (the page behind it included) in both themes.</summary>
    [Theory]
    [MemberData(nameof(RolesWithDialogs))]
    public async Task EveryDialogOfTheRole_HasNoSeriousOrCriticalViolation_InBothThemes(string role)
    {
        var problems = new List<string>();
        if (role == "Resident")
        {
            await PrepareResidentAsync();
        }

        foreach (var dark in new[] { false, true })
        {
            var page = await browser.NewPageAsync(1280, 900);
            await page.Context.AddCookiesAsync([new Cookie { Name = "cd-theme", Value = dark ? "dark" : "light", Url = browser.BaseAddress }]);
            var email = role switch { "Resident" => DemoAccounts.Resident, "Auditor" => DemoAccounts.Auditor, _ => DemoAccounts.Admin };
            await page.SignInAsync(email);
            await page.WaitForURLAsync(new Regex("^(?!.*/Account/Login).*$"));
            foreach (var (name, path, open) in Dialogs(role))
            {
                await page.GotoAsync(path);
                await page.WaitForCircuitAsync();
                await open(page);
                var dialog = page.Locator(".mud-dialog-container");
                await Assertions.Expect(dialog).ToHaveCountAsync(1);
                var result = await page.RunAxe(new AxeRunContext { Exclude = [new AxeSelector(".mud-drawer")] }, new AxeRunOptions
                {
                    RunOnly = new RunOnlyOptions { Type = "tag", Values = Tags },
                    ResultTypes = [ResultType.Violations],
                });
                problems.AddRange(result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v =>
                    $"{role}, {(dark ? "dark" : "light")}, {name} [{v.Impact}] {v.Id}: {v.Help} — " +
                    string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html.Length > 160 ? n.Html[..160] : n.Html))));
                await page.Keyboard.PressAsync("Escape");
                await Assertions.Expect(dialog).ToHaveCountAsync(0);
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private IEnumerable<(string Name, string Path, Func<IPage, Task> Open)> Dialogs(string role)
    {
        switch (role)
        {
            case "Resident":
                var notice = _shareNotice!.Value;
                yield return ("camera dialog", "/cameras", page => page.GetByTestId("add-camera").ClickAsync());
                yield return ("share dialog", $"/inbox/{notice}", async page =>
                {
                    await page.Locator("input[data-testid^=clip-select-]").First.CheckAsync();
                    await page.GetByTestId("share-button").ClickAsync();
                });
                yield return ("revoke dialog", "/disclosures", page => page.GetByTestId("revoke-button").First.ClickAsync());
                break;
            case "Auditor":
                yield return ("log entry", "/audit", page => page.Locator("[data-testid^=open-entry-]").First.ClickAsync());
                break;
            default:
                yield return ("agency dialog", "/admin", page => page.GetByTestId("add-agency").ClickAsync());
                yield return ("invitation dialog", "/admin", page => page.GetByTestId("invite-staff").ClickAsync());
                break;
        }
    }

    private Guid? _shareNotice;

    /// <summary>Two of the resident's open requests with clips: one to open the share dialog on, one already shared from, so there is something to revoke.</summary>
    private async Task PrepareResidentAsync()
    {
        await using var scope = browser.App.Services.CreateAsyncScope();
        var notices = scope.ServiceProvider.GetRequiredService<ConsentDashboard.Features.Inbox.NoticeService>();
        await using var db = browser.App.CreateDbContext();
        var residentId = await db.Users.Where(u => u.Email == DemoAccounts.Resident).Select(u => u.Id).SingleAsync();
        var resident = Principals.For(residentId, ConsentDashboard.Infrastructure.Roles.Resident);
        var withClips = new List<ConsentDashboard.Features.Inbox.NoticeDetail>();
        foreach (var id in await db.RequestNotices.Where(n => n.ResidentId == residentId && n.Status == NoticeStatus.Pending).Select(n => n.Id).ToListAsync())
        {
            if (await notices.GetAsync(resident, id) is { Clips.Count: > 0 } detail)
            {
                withClips.Add(detail);
            }
        }

        Assert.True(withClips.Count >= 2, "The demo resident needs two open requests with clips.");
        _shareNotice = withClips[0].NoticeId;
        await notices.ShareAsync(resident, new ConsentDashboard.Features.Inbox.ShareInput { NoticeId = withClips[1].NoticeId, ClipIds = [withClips[1].Clips[0].Id] });
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
