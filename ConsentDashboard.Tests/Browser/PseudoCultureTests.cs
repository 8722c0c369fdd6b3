using System.Text.RegularExpressions;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

/// <summary>
/// Every page rendered in the pseudo-culture, where each string that went through the localizer reads <c>[!! … !!]</c>:
/// after taking out the wrapped strings and the data (anything marked <c>translate="no"</c>: names, case numbers, times),
/// no letter may be left on the page. A string typed straight into markup, a message built in C# or a MudBlazor text
/// without a translation fails it.
/// </summary>
public sealed class PseudoCultureTests(PseudoCultureBrowserFixture browser) : IClassFixture<PseudoCultureBrowserFixture>
{
    public static TheoryData<string> Roles => RolePages.Roles;

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task EveryVisibleString_WentThroughTheLocalizer(string role)
    {
        var page = await browser.NewPageAsync();
        await page.Context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = "c=qps-Ploc|uic=qps-Ploc", Url = browser.BaseAddress }]);
        var problems = new List<string>();
        if (role == "Anonymous")
        {
            foreach (var path in new[] { "/", "/Account/Register", "/Account/ForgotPassword", "/privacy", "/public/requests", "/no-such-page" })
            {
                await page.GotoAsync(path);
                problems.AddRange(await LeftOverAsync(page, path));
            }

            // Register's own messages: everything missing.
            await page.GotoAsync("/Account/Register");
            await page.Locator("form.cd-form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator(".validation-message").First).ToBeVisibleAsync();
            problems.AddRange(await LeftOverAsync(page, "/Account/Register with nothing filled in"));

            await page.GotoAsync("/Account/Login");
            problems.AddRange(await LeftOverAsync(page, "/Account/Login"));
            // The sign-in page's own messages: a wrong password.
            await page.GetByTestId("login-email").FillAsync(DemoAccounts.Resident);
            await page.GetByTestId("login-password").FillAsync("not-the-password");
            await page.GetByTestId("login-submit").ClickAsync();
            await Assertions.Expect(page.Locator("[role=alert]")).ToBeVisibleAsync();
            problems.AddRange(await LeftOverAsync(page, "/Account/Login after a wrong password"));
        }
        else if (role != "Resident")
        {
            await page.SignInAsync(RolePages.EmailOf(role)!);
            await page.WaitForURLAsync(new Regex("^(?!.*/Account/Login).*$"));
            foreach (var path in await RolePages.OfAsync(browser.App, role))
            {
                await page.GotoAsync(path);
                await page.WaitForCircuitAsync();
                problems.AddRange(await LeftOverAsync(page, path));
            }

            foreach (var (name, path, open) in StaffDialogsAndMessages(role))
            {
                await page.GotoAsync(path);
                await page.WaitForCircuitAsync();
                await open(page);
                problems.AddRange(await LeftOverAsync(page, name));
            }
        }
        else
        {
            await page.SignInAsync(DemoAccounts.Resident);
            await page.WaitForURLAsync(new Regex("/inbox$"));
            await page.GotoAsync("/cameras");
            await page.WaitForCircuitAsync();
            await page.GetByTestId("add-camera").ClickAsync();
            await Assertions.Expect(page.GetByTestId("camera-dialog")).ToBeVisibleAsync();
            await page.GetByTestId("save-camera").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=camera-dialog] .mud-input-error").First).ToBeVisibleAsync();
            problems.AddRange(await LeftOverAsync(page, "the camera dialog with its messages"));

            await using var db = browser.App.CreateDbContext();
            var notice = await db.RequestNotices.Where(n => n.Resident!.Email == DemoAccounts.Resident && n.Status == ConsentDashboard.Data.NoticeStatus.Pending)
                .OrderByDescending(n => n.CreatedAt).Select(n => n.Id).FirstAsync();
            foreach (var path in new[] { "/inbox", "/cameras", "/clips", "/preferences", $"/inbox/{notice}" })
            {
                await page.GotoAsync(path);
                await page.WaitForCircuitAsync();
                problems.AddRange(await LeftOverAsync(page, path));
            }

            // The share dialog, the answer's outcome and the disclosures it leads to.
            await page.Locator("input[data-testid^=clip-select-]").First.CheckAsync();
            await page.GetByTestId("share-button").ClickAsync();
            await Assertions.Expect(page.GetByTestId("share-summary")).ToBeVisibleAsync();
            problems.AddRange(await LeftOverAsync(page, "the share dialog"));
            await page.GetByTestId("confirm-share").ClickAsync();
            await Assertions.Expect(page.GetByTestId("answer-outcome")).ToBeVisibleAsync();
            problems.AddRange(await LeftOverAsync(page, "the request page after sharing"));
            await page.GotoAsync("/disclosures");
            await page.WaitForCircuitAsync();
            await Assertions.Expect(page.GetByTestId("revoke-button").First).ToBeVisibleAsync();
            problems.AddRange(await LeftOverAsync(page, "/disclosures"));
            await page.GetByTestId("revoke-button").First.ClickAsync();
            await Assertions.Expect(page.GetByTestId("revoke-dialog")).ToBeVisibleAsync();
            problems.AddRange(await LeftOverAsync(page, "the revoke dialog"));

            // The account pages, and one of their forms sent empty.
            foreach (var path in RolePages.AccountManagement)
            {
                await page.GotoAsync(path);
                problems.AddRange(await LeftOverAsync(page, path));
            }

            // Another role's page: the notice that says it is not for this account.
            await page.GotoAsync("/audit");
            await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
            problems.AddRange(await LeftOverAsync(page, "/audit as a resident"));

            await page.GotoAsync("/Account/Manage/ChangePassword");
            await page.Locator("button.btn-primary[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator(".validation-message").First).ToBeVisibleAsync();
            problems.AddRange(await LeftOverAsync(page, "/Account/Manage/ChangePassword sent empty"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>What a staff role opens beyond its pages: dialogs, and each form's messages when sent empty.</summary>
    private static IEnumerable<(string Name, string Path, Func<IPage, Task> Open)> StaffDialogsAndMessages(string role)
    {
        switch (role)
        {
            case "Officer":
                yield return ("the new-request form sent empty", "/agency/requests/new", async page =>
                {
                    await page.GetByTestId("file-request").ClickAsync();
                    await Assertions.Expect(page.Locator(".mud-input-error").First).ToBeVisibleAsync();
                });
                break;
            case "Auditor":
                yield return ("a log entry", "/audit", async page =>
                {
                    await page.Locator("[data-testid^=open-entry-]").First.ClickAsync();
                    await Assertions.Expect(page.Locator(".mud-dialog-container")).ToBeVisibleAsync();
                });
                yield return ("the verification's result", "/audit/verify", async page =>
                {
                    await page.GetByTestId("verify-button").ClickAsync();
                    await Assertions.Expect(page.GetByTestId("verify-result")).ToBeVisibleAsync();
                });
                break;
            case "Admin":
                yield return ("the agency dialog sent empty", "/admin", async page =>
                {
                    await page.GetByTestId("add-agency").ClickAsync();
                    await page.GetByTestId("save-agency").ClickAsync();
                    await Assertions.Expect(page.Locator(".mud-dialog-container .mud-input-error").First).ToBeVisibleAsync();
                });
                yield return ("the invitation dialog", "/admin", async page =>
                {
                    await page.GetByTestId("invite-staff").ClickAsync();
                    await Assertions.Expect(page.Locator(".mud-dialog-container")).ToBeVisibleAsync();
                });
                break;
        }
    }

    /// <summary>The page's visible text, less data and wrapped strings (innermost first, as they nest); whatever has a letter left is reported.</summary>
    private static async Task<IEnumerable<string>> LeftOverAsync(IPage page, string where)
    {
        var text = await page.EvaluateAsync<string>("""
            () => {
                const hidden = [...document.querySelectorAll('[translate=no]')];
                const saved = hidden.map(e => e.style.visibility);
                hidden.forEach(e => e.style.visibility = 'hidden');
                const text = document.body.innerText;
                hidden.forEach((e, i) => e.style.visibility = saved[i]);
                return text;
            }
            """);
        var previous = "";
        while (previous != text)
        {
            previous = text;
            text = Regex.Replace(text, @"\[!! (?:(?!\[!! )[\s\S])*? !!\]", " ");
        }

        return text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.Any(char.IsLetter))
            .Select(line => $"{where}: \"{line}\"");
    }
}
