using System.Net;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Features.Account;

public sealed class AccountTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Register_NewAccount_IsAResidentAndNothingElse()
    {
        using var client = app.CreateBrowserlessClient();

        var response = await SignIn.PostFormAsync(client, "/Account/Register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Rosa Quinlan",
            ["Input.Email"] = "rosa.quinlan@example.org",
            ["Input.Password"] = "correct-horse-battery",
            ["Input.ConfirmPassword"] = "correct-horse-battery",
        });

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        Assert.Contains("RegisterConfirmation", response.Headers.Location!.ToString());
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync("rosa.quinlan@example.org");
        Assert.NotNull(user);
        Assert.Equal("Rosa Quinlan", user.DisplayName);
        Assert.Equal([Roles.Resident], await users.GetRolesAsync(user));
    }

    [Fact]
    public async Task Register_PasswordShorterThanTwelve_IsRefusedWithAMessageAndNoAccount()
    {
        using var client = app.CreateBrowserlessClient();

        var response = await SignIn.PostFormAsync(client, "/Account/Register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Short Password",
            ["Input.Email"] = "short.password@example.org",
            ["Input.Password"] = "Elev3n-char",
            ["Input.ConfirmPassword"] = "Elev3n-char",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("at least 12", await response.Content.ReadAsStringAsync());
        await using var db = app.CreateDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.Email == "short.password@example.org"));
    }

    [Theory]
    [InlineData("Elev3n-char", "at least 12")]
    [InlineData("aaaaaaaaaaaaaaaa", "at least 5 different characters")]
    public async Task Register_APasswordProblem_IsSaidAtThePasswordField_WhichPointsToIt(string password, string expected)
    {
        using var client = app.CreateBrowserlessClient();

        var response = await SignIn.PostFormAsync(client, "/Account/Register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Weak Password",
            ["Input.Email"] = "weak.password@example.org",
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });

        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        var input = page.GetElementById("Input.Password")!;
        var described = page.GetElementById(input.GetAttribute("aria-describedby")!)!;
        Assert.True(described.TextContent.Contains(expected, StringComparison.Ordinal), $"The password field points at \"{described.TextContent.Trim()}\"; the page says: {page.QuerySelector(".text-danger, [role=alert]")?.TextContent}");
        await using var db = app.CreateDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.Email == "weak.password@example.org"));
    }

    [Fact]
    public async Task SignIn_AfterFiveWrongPasswordsFromOneAddress_TheSixthWaits_ButTheAccountIsNotLockedForAnyoneElse()
    {
        var email = DemoAccounts.OtherResident;
        using var client = app.CreateBrowserlessClient();

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var wrong = await SignIn.AttemptAsync(client, email, "not-the-password-" + attempt);
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("do not match an account", await wrong.Content.ReadAsStringAsync());
        }

        // The sixth attempt from this address waits, even with the right password, and says for how long.
        var sixth = await SignIn.AttemptAsync(client, email, ConsentDashboard.Infrastructure.Seeding.DemoCity.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        Assert.True(sixth.Headers.RetryAfter is not null);
        Assert.Contains("Too many wrong passwords for this account from your network", await sixth.Content.ReadAsStringAsync());
        await using var db = app.CreateDbContext();
        var account = await db.Users.SingleAsync(u => u.Email == email);
        Assert.Null(account.LockoutEnd);
    }

    [Theory]
    [InlineData(Roles.Resident, "/inbox")]
    [InlineData(Roles.Officer, "/agency/requests")]
    [InlineData(Roles.Auditor, "/audit")]
    [InlineData(Roles.Admin, "/admin")]
    public async Task Home_SendsEachRoleToItsStartPage(string role, string startPage)
    {
        using var client = app.CreateBrowserlessClient();
        await SignIn.AsAsync(client, DemoAccounts.FirstOf(role));

        var home = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal(startPage, home.Headers.Location!.OriginalString.Replace("http://localhost", ""));
    }

    [Fact]
    public async Task Home_SignedOutVisitor_SeesWhatTheProductIsAndHowToSignIn()
    {
        using var client = app.CreateBrowserlessClient();

        var home = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var html = await home.Content.ReadAsStringAsync();
        Assert.Contains("Saying no is free", html);
        Assert.Contains("href=\"/Account/Login\"", html);
    }

    public static TheoryData<string, string> PagesByRole => new()
    {
        { Roles.Resident, "/inbox" },
        { Roles.Resident, "/cameras" },
        { Roles.Resident, "/clips" },
        { Roles.Resident, "/disclosures" },
        { Roles.Resident, "/preferences" },
        { Roles.Resident, $"/inbox/{Guid.NewGuid()}" },
        { Roles.Officer, "/agency/requests" },
        { Roles.Officer, "/agency/requests/new" },
        { Roles.Officer, $"/agency/requests/{Guid.NewGuid()}" },
        { Roles.Auditor, "/audit" },
        { Roles.Auditor, "/audit/verify" },
        { Roles.Auditor, "/audit/report" },
        { Roles.Admin, "/admin" },
    };

    [Theory]
    [MemberData(nameof(PagesByRole))]
    public async Task RolePage_OpensForItsRoleAndIsRefusedToEveryOtherRole(string owner, string path)
    {
        foreach (var role in Roles.All)
        {
            using var client = app.CreateBrowserlessClient();
            await SignIn.AsAsync(client, DemoAccounts.FirstOf(role));

            var response = await client.GetAsync(path);

            if (role == owner)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{role} should open {path}, got {response.StatusCode}.");
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{role} should be refused {path}, got {response.StatusCode}.");
                Assert.Contains("/Account/AccessDenied", response.Headers.Location!.ToString());
            }
        }
    }

    [Fact]
    public async Task RolePage_SignedOutVisitor_IsSentToSignIn()
    {
        using var client = app.CreateBrowserlessClient();

        var response = await client.GetAsync("/inbox");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.ToString());
    }
}
