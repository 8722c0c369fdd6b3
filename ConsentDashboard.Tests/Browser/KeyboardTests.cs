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

    [Fact]
    public Task AResident_SignsIn_PlaysAClip_SharesIt_AndDeclinesTheNextRequest_UsingOnlyTheKeyboard() =>
        ResidentJourneyByKeyboardAsync(browser, "en-US", "en", "You shared 1 clip", "You declined");

    [Fact]
    public async Task OnAPhone_TheTimelinesTimesDoNotRunTogether_AndOneLinkTakesTheResidentToTheirAnswer()
    {
        var page = await browser.NewPageAsync(375, 740);
        await page.SignInAsync(DemoAccounts.Resident);
        await page.WaitForURLAsync(new Regex("/inbox$"));
        await page.WaitForCircuitAsync();
        await page.Locator("[data-testid=inbox-table] a[href^='/inbox/']").First.ClickAsync();
        await page.WaitForURLAsync(new Regex("/inbox/[0-9a-f-]{36}$"));
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.GetByTestId("window-timeline")).ToBeVisibleAsync();

        var ticks = await page.EvaluateAsync<double[][]>(
            "() => [...document.querySelectorAll('.cd-timeline-tick')].filter(t => t.offsetParent !== null).map(t => { const b = t.getBoundingClientRect(); return [b.left, b.right]; })");
        Assert.True(ticks.Length >= 3, $"Only {ticks.Length} time ticks are shown.");
        for (var i = 1; i < ticks.Length; i++)
        {
            Assert.True(ticks[i][0] - ticks[i - 1][1] >= 8, $"Time ticks {i} and {i + 1} are {ticks[i][0] - ticks[i - 1][1]:0} px apart.");
        }

        // The answer used to start 1,860 px down a 2,580 px page; now the page is shorter and a link under the summary leads to it.
        var height = await page.EvaluateAsync<double>("() => document.documentElement.scrollHeight");
        var layout = await page.EvaluateAsync<string>(
            "() => ['notice-state', 'area-sketch', 'window-timeline', 'answer-panel'].map(id => { const b = document.querySelector(`[data-testid=${id}]`).getBoundingClientRect(); return `${id} at ${Math.round(b.top + scrollY)}, ${Math.round(b.height)} tall`; }).join('; ')");
        // Each clip's card adds its own height; the rest of the page used to take 2,110 px and now takes under 2,000.
        var cards = await page.Locator("[data-testid^=clip-card-]").CountAsync();
        Assert.True(height < 2000 + 470 * cards, $"The request page is {height:0} px tall at 375 px with {cards} clip(s): {layout}.");
        await page.GetByTestId("jump-to-answer").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("answer-panel")).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByTestId("answer-panel")).ToBeInViewportAsync();
    }

    [Fact]
    public async Task At1280Pixels_TheAuditLogShowsEveryColumnWithoutScrollingSideways()
    {
        var page = await browser.NewPageAsync(1280, 800);
        await page.SignInAsync(DemoAccounts.Auditor);
        await page.WaitForURLAsync(new Regex("/audit$"));
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("[data-testid^=open-entry-]").First).ToBeVisibleAsync();

        var hidden = await page.EvaluateAsync<string[]>("""
            () => {
                const table = document.querySelector('[data-testid=audit-grid] table');
                const box = table.closest('.mud-table-container').getBoundingClientRect();
                return [...table.querySelectorAll('thead th')]
                    .filter(th => { const b = th.getBoundingClientRect(); return b.right > box.right + 1 || b.left < box.left - 1; })
                    .map(th => th.textContent.trim());
            }
            """);
        Assert.True(hidden.Length == 0, $"Cut off at 1280 px: {string.Join(", ", hidden)}.");
    }

    /// <summary>
    /// A resident signs in, opens the first open request, plays a clip, shares it through the dialog, goes on to the next
    /// request and declines it, all by keyboard, with focus on something sensible after each step.
    /// </summary>
    internal static async Task ResidentJourneyByKeyboardAsync(BrowserFixture browser, string locale, string language, string sharedHeading, string declinedHeading)
    {
        var page = await browser.NewPageAsync(locale: locale);
        await page.GotoAsync("/Account/Login");
        Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
        await TabToAsync(page, "[data-testid=login-email]");
        await page.Keyboard.TypeAsync(DemoAccounts.Resident);
        await TabToAsync(page, "[data-testid=login-password]");
        await page.Keyboard.TypeAsync(ConsentDashboard.Infrastructure.Seeding.DemoCity.Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/inbox$"));
        await page.WaitForCircuitAsync();

        // The first open request, by its link in the inbox; on arrival focus is on the page's heading.
        await TabToAsync(page, "[data-testid=inbox-table] a[href^='/inbox/']");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/inbox/[0-9a-f-]{36}$"));
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("h1")).ToBeFocusedAsync();

        // A clip plays from the keyboard.
        var player = page.Locator("video[data-testid^=player-]").First;
        await TabToAsync(page, "video[data-testid^=player-]");
        await Assertions.Expect(player).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Space");
        await page.WaitForFunctionAsync("() => { const v = document.activeElement; return v instanceof HTMLVideoElement && !v.paused; }");
        await player.EvaluateAsync("v => v.pause()");

        // It is chosen with Space, shared through the dialog, and focus lands on what the answer did.
        await TabToAsync(page, "input[data-testid^=clip-select-]");
        await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "[data-testid=share-button]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("share-summary")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => document.activeElement && document.activeElement.closest('[role=dialog]') !== null");
        await TabToAsync(page, "[data-testid=confirm-share]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("answer-outcome-heading")).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByTestId("answer-outcome-heading")).ToHaveTextAsync(sharedHeading);

        // On to the next request, declined by keyboard: focus again on what happened, with Undo next.
        await TabToAsync(page, "[data-testid=next-request]");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/inbox/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.GetByTestId("decline-button")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("h1")).ToBeFocusedAsync();
        await TabToAsync(page, "[data-testid=decline-button]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("answer-outcome-heading")).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByTestId("answer-outcome-heading")).ToHaveTextAsync(declinedHeading);
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByTestId("undo-answer")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task AWindowThatEndsBeforeItStarts_IsExplainedByTheMessageTheEndFieldPointsTo()
    {
        var page = await browser.NewPageAsync();
        await page.SignInAsync(DemoAccounts.Officer);
        await page.WaitForURLAsync(new Regex("/agency/requests$"));
        await page.GotoAsync("/agency/requests/new");
        await page.WaitForCircuitAsync();
        var end = page.Locator("input[data-testid=request-window-end]");
        Assert.Null(await end.GetAttributeAsync("aria-describedby"));

        await page.Locator("input[data-testid=request-window-start]").FillAsync(DateTime.UtcNow.AddHours(-2).ToString("yyyy-MM-ddTHH:mm"));
        await end.FillAsync(DateTime.UtcNow.AddHours(-3).ToString("yyyy-MM-ddTHH:mm"));
        await page.Keyboard.PressAsync("Tab");

        await Assertions.Expect(end).ToHaveAttributeAsync("aria-describedby", "window-end-error");
        await Assertions.Expect(page.Locator("[id='window-end-error']")).ToHaveTextAsync("The window must end after it starts.");
    }

    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/>, as a keyboard user would.</summary>
    internal static async Task TabToAsync(IPage page, string selector, int maxPresses = 80)
    {
        for (var i = 0; i < maxPresses; i++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement !== null && document.activeElement.matches(s)", selector))
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail($"{maxPresses} presses of Tab never reached {selector}; focus ended on {await page.EvaluateAsync<string>("() => document.activeElement.outerHTML.slice(0, 200)")}.");
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
