using System.Text.RegularExpressions;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

/// <summary>The app in Spanish: chosen by the browser's languages or by the link in the app bar, and remembered.</summary>
public sealed class SpanishTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task ASpanishSpeakingResident_DoesTheWholeJourneyByKeyboard_InSpanish() =>
        KeyboardTests.ResidentJourneyByKeyboardAsync(browser, "es-ES", "es", "Ha compartido 1 vídeo", "Ha rechazado la solicitud");

    [Fact]
    public async Task TheLanguageLink_SwitchesAnEnglishBrowserToSpanish_OnTheSamePage_AndTheChoiceIsRemembered()
    {
        var page = await browser.NewPageAsync(locale: "en-US");
        await page.SignInAsync(DemoAccounts.Resident);
        await page.WaitForURLAsync(new Regex("/inbox$"));
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Footage requests");

        await page.GetByTestId("language-es").ClickAsync();

        await page.WaitForURLAsync(new Regex("/inbox$"));
        await page.WaitForCircuitAsync();
        Assert.Equal("es", await page.GetAttributeAsync("html", "lang"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Solicitudes de grabaciones");
        await Assertions.Expect(page.GetByTestId("nav-menu")).ToContainTextAsync("Divulgaciones");
        // The choice is the account's too: the resident's e-mails are now written in Spanish.
        Assert.Equal("es", await LanguageOfAsync(DemoAccounts.Resident));
        // The interactive parts speak it too: the circuit started in Spanish.
        await page.GetByTestId("nav-menu").GetByRole(AriaRole.Link, new() { Name = "Divulgaciones" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/disclosures$"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Lo que ha divulgado");

        // A new visit from the same English browser stays in Spanish, and the link back says "English".
        await page.GotoAsync("/inbox");
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Solicitudes de grabaciones");
        await page.GetByTestId("language-en").ClickAsync();
        await page.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Footage requests");
        Assert.Equal("en", await LanguageOfAsync(DemoAccounts.Resident));
    }

    private async Task<string?> LanguageOfAsync(string email)
    {
        await using var db = browser.App.CreateDbContext();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Language).SingleAsync();
    }

    [Fact]
    public async Task TheLanguageLink_ReturnsToThePageWithItsQuery()
    {
        var page = await browser.NewPageAsync(locale: "en-US");
        await page.GotoAsync("/Account/Login?ReturnUrl=%2Fdisclosures");

        await page.GetByTestId("language-es").ClickAsync();

        await page.WaitForURLAsync(new Regex("/Account/Login\\?ReturnUrl=%2Fdisclosures$"));
        await Assertions.Expect(page.GetByTestId("login-submit")).ToHaveTextAsync("Iniciar sesión");
    }

    [Fact]
    public async Task TheLanguageSwitch_RefusesAnUnofferedLanguage_AndNeverRedirectsOffTheSite()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(browser.BaseAddress) };

        var unknown = await client.GetAsync("/culture/fr?returnUrl=%2Finbox");
        var offsite = await client.GetAsync("/culture/es?returnUrl=https%3A%2F%2Fevil.example%2F");
        var protocolRelative = await client.GetAsync("/culture/es?returnUrl=%2F%2Fevil.example%2F");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.False(unknown.Headers.Contains("Set-Cookie"));
        Assert.Equal("/", offsite.Headers.Location?.ToString());
        Assert.Equal("/", protocolRelative.Headers.Location?.ToString());
        Assert.Contains(offsite.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=c%3Des%7Cuic%3Des", StringComparison.Ordinal));
    }
}
