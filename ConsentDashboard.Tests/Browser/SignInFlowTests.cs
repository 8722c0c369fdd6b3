using System.Text.RegularExpressions;
using ConsentDashboard.Tests.Support;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

public sealed class SignInFlowTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task DemoResident_SignsIn_LandsOnInbox_TogglesDarkMode_SignsOut()
    {
        var page = await browser.NewPageAsync();

        await page.SignInAsync(DemoAccounts.Resident);

        await page.WaitForURLAsync(new Regex("/inbox$"));
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Footage requests" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("inbox-table")).ToContainTextAsync("Larkspur Bay Police Department");

        // Dark mode switches at once and is remembered across a reload.
        var main = page.Locator("[data-ready=true]");
        await Assertions.Expect(main).ToHaveAttributeAsync("data-theme", "light");
        var lightBackground = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Assertions.Expect(main).ToHaveAttributeAsync("data-theme", "dark");
        var darkBackground = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        Assert.NotEqual(lightBackground, darkBackground);
        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("[data-ready=true]")).ToHaveAttributeAsync("data-theme", "dark");

        await page.GetByTestId("sign-out").ClickAsync();

        await Assertions.Expect(page.GetByTestId("home-sign-in")).ToBeVisibleAsync();
        await page.GotoAsync("/inbox");
        await page.WaitForURLAsync(new Regex("/Account/Login"));
    }

    [Fact]
    public async Task PhoneWidth_NavigationOpensFromTheMenuButton()
    {
        var page = await browser.NewPageAsync(375, 740);

        await page.SignInAsync(DemoAccounts.Resident);
        await page.WaitForURLAsync(new Regex("/inbox$"));
        await page.WaitForCircuitAsync();
        var pageWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(pageWidth <= 375, $"The page scrolls sideways at phone width ({pageWidth} px).");

        // On a phone the drawer starts closed so it does not cover the page, and the menu button opens it.
        var camerasLink = page.GetByRole(AriaRole.Link, new() { Name = "Cameras" });
        await Assertions.Expect(camerasLink).Not.ToBeInViewportAsync();
        await page.GetByTestId("nav-toggle").ClickAsync();
        await Assertions.Expect(camerasLink).ToBeInViewportAsync();
        await camerasLink.ClickAsync();

        await page.WaitForURLAsync(new Regex("/cameras$"));
        await Assertions.Expect(page.GetByTestId("camera-table")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task WrongPassword_ShowsAClearMessage()
    {
        var page = await browser.NewPageAsync();

        await page.SignInAsync(DemoAccounts.Auditor, "definitely-not-it");

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("do not match an account");
        Assert.EndsWith("/Account/Login", new Uri(page.Url).AbsolutePath);
    }
}
