using System.Diagnostics;
using System.Net;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Account;

/// <summary>What an attacker tried against the account pages, and what each now answers.</summary>
public sealed class AccountHardeningTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example/steal")]
    [InlineData("/\\evil.example")]
    public async Task ASignInWithAForeignReturnUrl_GoesToTheStartPage_NeverElsewhereOrToAnError(string returnUrl)
    {
        using var client = app.CreateBrowserlessClient();

        var response = await SignIn.PostFormAsync(client, $"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}", new Dictionary<string, string>
        {
            ["Input.Email"] = DemoAccounts.Auditor,
            ["Input.Password"] = ConsentDashboard.Infrastructure.Seeding.DemoCity.Password,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.DoesNotContain("evil", location);
        Assert.True(location is "/" or "" or "http://localhost/", location);
    }

    [Fact]
    public async Task RegisteringAnAddressThatHasAnAccount_AnswersLikeANewRegistration_AndTellsOnlyTheOwner()
    {
        using var fresh = app.CreateBrowserlessClient();
        using var taken = app.CreateBrowserlessClient();

        var newAccount = await RegisterAsync(fresh, "new.person@residents.example");
        var existing = await RegisterAsync(taken, DemoAccounts.Resident);

        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.Redirect), (newAccount.StatusCode, existing.StatusCode));
        Assert.Equal(
            newAccount.Headers.Location!.ToString().Replace(Uri.EscapeDataString("new.person@residents.example"), "(address)"),
            existing.Headers.Location!.ToString().Replace(Uri.EscapeDataString(DemoAccounts.Resident), "(address)"));
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Users.CountAsync(u => u.Email == DemoAccounts.Resident));
        Assert.True(await db.OutboxMessages.AnyAsync(m => m.To == DemoAccounts.Resident && m.Kind == "already-registered"));
    }

    [Fact]
    public async Task TwentyParallelRegistrationsOfOneAddress_MakeOneAccount_AndEveryoneGetsTheSameAnswer()
    {
        var clients = Enumerable.Range(0, 20).Select(_ => app.CreateBrowserlessClient()).ToList();

        var answers = await Task.WhenAll(clients.Select(c => RegisterAsync(c, "race@residents.example")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.StatusCode));
        Assert.All(answers, a => Assert.Contains("RegisterConfirmation", a.Headers.Location!.ToString()));
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Users.CountAsync(u => u.NormalizedEmail == "RACE@RESIDENTS.EXAMPLE"));
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task SigningInToAnUnknownAddress_TakesAsLongAsToAKnownOne()
    {
        using var client = app.CreateBrowserlessClient();
        var known = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            // Wrong passwords only for an address nobody locks out in this class, and never five in a row.
            unknown.Add(await TimeAsync(() => SignIn.AttemptAsync(client, $"nobody{i}@residents.example", "wrong password here")));
            known.Add(await TimeAsync(() => SignIn.AttemptAsync(client, DemoAccounts.Admin, ConsentDashboard.Infrastructure.Seeding.DemoCity.Password)));
        }

        // Both pay for one password hash (tens of milliseconds); without the balancing check the unknown one took ~3 ms.
        Assert.True(unknown.Min() > known.Min() / 3, $"unknown {string.Join(", ", unknown)} ms; known {string.Join(", ", known)} ms");
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var started = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static Task<HttpResponseMessage> RegisterAsync(HttpClient client, string email) =>
        SignIn.PostFormAsync(client, "/Account/Register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Someone",
            ["Input.Email"] = email,
            ["Input.Password"] = "correct-horse-battery",
            ["Input.ConfirmPassword"] = "correct-horse-battery",
        });

    [Fact]
    public async Task TheDownloadOfPersonalData_RefusesAPostWithoutThePagesAntiforgeryToken()
    {
        using var client = app.CreateBrowserlessClient();
        await SignIn.AsAsync(client, DemoAccounts.OtherResident);

        var forged = await client.PostAsync("/Account/Manage/DownloadPersonalData", new FormUrlEncodedContent([]));
        var genuine = await SignIn.PostFormAsync(client, "/Account/Manage/PersonalData", new Dictionary<string, string>(), "/Account/Manage/DownloadPersonalData");

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain("@", await forged.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        Assert.Contains(DemoAccounts.OtherResident, await genuine.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ForgotPasswordAndResend_AnswerKnownAndUnknownAddressesAlike_AfterTheSameFloor()
    {
        using var client = app.CreateBrowserlessClient();
        var answers = new List<(string Shape, double Milliseconds)>();
        foreach (var (page, email) in new[]
        {
            ("/Account/ForgotPassword", DemoAccounts.Auditor), ("/Account/ForgotPassword", "nobody@residents.example"),
            ("/Account/ResendEmailConfirmation", DemoAccounts.Auditor), ("/Account/ResendEmailConfirmation", "nobody@residents.example"),
        })
        {
            HttpResponseMessage? response = null;
            var took = await TimeAsync(async () => response = await SignIn.PostFormAsync(client, page, new Dictionary<string, string> { ["Input.Email"] = email }));
            // The page may echo the address typed; what must match is everything else.
            var body = System.Text.RegularExpressions.Regex.Replace(
                Markup.WithoutPerRenderTokens(await response!.Content.ReadAsStringAsync()).Replace(email, "(address)"), "CfDJ8[A-Za-z0-9_-]+", "(token)");
            answers.Add(($"{(int)response.StatusCode} {response.Headers.Location} {body}", took));
        }

        Assert.Equal(answers[0].Shape, answers[1].Shape);
        Assert.Equal(answers[2].Shape, answers[3].Shape);
        Assert.All(answers, a => Assert.True(a.Milliseconds >= 250, $"An answer came after {a.Milliseconds} ms, before the floor."));
    }
}
