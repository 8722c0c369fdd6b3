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

    /// <summary>
    /// Four looks: the light and the dark theme, each at 1280 px and at 375 px. One signed-in browser page per role walks
    /// through them (the theme cookie and the window size change between looks; every page is loaded afresh in each).
    /// </summary>
    [Theory]
    [MemberData(nameof(RolePages.Roles), MemberType = typeof(RolePages))]
    public async Task EveryPageOfTheRole_HasNoSeriousOrCriticalViolation_InBothThemesAndAtPhoneWidth(string role)
    {
        var email = RolePages.EmailOf(role);
        var page = await browser.NewPageAsync(1280, 900);
        if (email is not null)
        {
            await page.SignInAsync(email);
            await page.WaitForURLAsync(new Regex("^(?!.*/Account/Login).*$"));
        }

        var paths = await RolePages.OfAsync(browser.App, role);
        var all = new List<string>();
        foreach (var (dark, width) in Looks)
        {
            await page.Context.AddCookiesAsync([new Cookie { Name = "cd-theme", Value = dark ? "dark" : "light", Url = browser.BaseAddress }]);
            await page.SetViewportSizeAsync(width, 900);
            var look = $"{role}, {(dark ? "dark" : "light")}, {width} px";
            all.AddRange((await ScanAsync(page, paths, dark)).Select(p => $"{look}: {p}"));
        }

        Assert.True(all.Count == 0, string.Join("\n", all));
    }

    /// <summary>The light and the dark theme, each at 1280 px and at 375 px.</summary>
    private static readonly (bool Dark, int Width)[] Looks = [(false, 1280), (true, 1280), (false, 375), (true, 375)];

    public static TheoryData<string> RolesWithDialogs => ["Resident", "Auditor", "Admin"];

    /// <summary>Each dialog a role can open, scanned open (the page behind it included) in the same four looks.</summary>
    [Theory]
    [MemberData(nameof(RolesWithDialogs))]
    public async Task EveryDialogOfTheRole_HasNoSeriousOrCriticalViolation_InBothThemesAndAtPhoneWidth(string role)
    {
        var problems = new List<string>();
        if (role == "Resident")
        {
            await PrepareResidentAsync();
        }

        var page = await browser.NewPageAsync(1280, 900);
        var email = role switch { "Resident" => DemoAccounts.Resident, "Auditor" => DemoAccounts.Auditor, _ => DemoAccounts.Admin };
        await page.SignInAsync(email);
        await page.WaitForURLAsync(new Regex("^(?!.*/Account/Login).*$"));
        foreach (var (dark, width) in Looks)
        {
            await page.Context.AddCookiesAsync([new Cookie { Name = "cd-theme", Value = dark ? "dark" : "light", Url = browser.BaseAddress }]);
            await page.SetViewportSizeAsync(width, 900);
            foreach (var (name, path, open) in Dialogs(role))
            {
                await page.GotoAsync(path);
                await page.WaitForCircuitAsync();
                await Assertions.Expect(page.Locator("body")).ToHaveClassAsync(dark ? "cd-dark" : "cd-light");
                await open(page);
                var dialog = page.Locator(".mud-dialog-container");
                await Assertions.Expect(dialog).ToHaveCountAsync(1);
                problems.AddRange((await SeriousViolationsAsync(page, scanDrawer: false)).Select(v => $"{role}, {(dark ? "dark" : "light")}, {width} px, {name} {v}"));
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

    private static async Task<List<string>> ScanAsync(IPage page, List<string> paths, bool dark)
    {
        var problems = new List<string>();
        var first = true;
        foreach (var path in paths)
        {
            await page.GotoAsync(path);
            if (!path.StartsWith("/Account", StringComparison.Ordinal))
            {
                // Interactive pages are scanned once the circuit has rendered them; the account pages are static.
                await page.WaitForCircuitAsync();
            }

            // Each page is scanned in the look it was meant to be: the server rendered the theme the cookie asked for.
            await Assertions.Expect(page.Locator("body")).ToHaveClassAsync(dark ? "cd-dark" : "cd-light");

            // The navigation drawer is the same on every page of a look: it is scanned with the first page only.
            problems.AddRange((await SeriousViolationsAsync(page, scanDrawer: first)).Select(v => $"{path} {v}"));
            first = false;
        }

        return problems;
    }

    /// <summary>
    /// The page's serious and critical WCAG violations, one line each. axe runs in the page itself ("legacy" mode, which
    /// the package marks obsolete): its default mode opens a new browser page for every scan to merge partial results,
    /// which made each scan take 2–3 s instead of under one and doubled the whole collection's time. Our pages have no
    /// frames, the only thing that mode adds. <see cref="TheScanner_ReportsAViolationSeededIntoAPage"/> keeps it honest.
    /// </summary>
    private static async Task<List<string>> SeriousViolationsAsync(IPage page, bool scanDrawer)
    {
        var options = new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = Tags },
            // Only violations come back: passes and inapplicable rules would be most of the payload.
            ResultTypes = [ResultType.Violations],
        };
#pragma warning disable CS0618 // RunAxeLegacy: see above.
        var result = await page.RunAxeLegacy(scanDrawer ? null : new AxeRunContext { Exclude = [new AxeSelector(".mud-drawer")] }, options);
#pragma warning restore CS0618
        return result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v =>
            $"[{v.Impact}] {v.Id}: {v.Help} — " + string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html.Length > 160 ? n.Html[..160] : n.Html))).ToList();
    }

    /// <summary>The scan is only as good as its ability to fail: a nameless button and pale grey text put into a clean page are both reported.</summary>
    [Fact]
    public async Task TheScanner_ReportsAViolationSeededIntoAPage()
    {
        var page = await browser.NewPageAsync(1280, 900);
        await page.GotoAsync("/privacy");
        await page.WaitForCircuitAsync();
        Assert.Empty(await SeriousViolationsAsync(page, scanDrawer: true));

        await page.EvaluateAsync("""
            () => document.querySelector('main').insertAdjacentHTML('beforeend',
                '<button type="button"></button><p style="color:#ddd;background:#fff">Hard to read</p>')
            """);
        var found = await SeriousViolationsAsync(page, scanDrawer: true);
        Assert.Contains(found, v => v.Contains("button-name", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("color-contrast", StringComparison.Ordinal));
    }
}

/// <summary>axe's contrast checks keep a core busy for seconds per page: the scan runs alone, not beside other browser tests.</summary>
[CollectionDefinition(nameof(AccessibilityScanTests), DisableParallelization = true)]
public sealed class AccessibilityScanCollection;
