using System.Globalization;
using System.Text.RegularExpressions;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

/// <summary>
/// A new city from nothing, as an operator would run it: Production mode, an empty data folder, the create-admin command,
/// then everything else in the browser, with every e-mail arriving at a real SMTP server.
/// </summary>
public sealed class OperatorFlowTests : IAsyncLifetime
{
    private const string Password = "a long city passphrase";
    private readonly TempFolder _folder = new();
    private readonly int _port = TestSmtpServer.FreePort();
    private TestSmtpServer _smtp = null!;
    private ProductionApp _app = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    private string BaseAddress => $"http://127.0.0.1:{_port}";

    private Dictionary<string, string> Settings => new(_smtp.Settings.Select(s => KeyValuePair.Create(s.Key, s.Value!)))
    {
        ["ConsentDashboard:DataFolder"] = _folder.Path,
        ["ConsentDashboard:PublicBaseUrl"] = BaseAddress,
    };

    /// <summary>The app as a deployment runs it: Production, no demo data, on a fixed loopback port.</summary>
    private sealed class ProductionApp : WebApplicationFactory<Program>
    {
        private readonly IReadOnlyDictionary<string, string> _settings;

        public ProductionApp(IReadOnlyDictionary<string, string> settings, int port)
        {
            _settings = settings;
            UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, port));
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            // A published app serves its assets from its own folder; run from the build output, it needs the manifest.
            builder.UseStaticWebAssets();
            foreach (var (name, value) in _settings)
            {
                builder.UseSetting(name, value);
            }
        }
    }

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(BrowserFixture.ChromiumPath), $"{BrowserFixture.ChromiumPath} is missing: install Debian's chromium package (bash .ci/run does).");
        _smtp = TestSmtpServer.Start();
        _playwright = await Playwright.CreateAsync();
        _browser = await BrowserFixture.LaunchChromiumAsync(_playwright);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _smtp.DisposeAsync();
        _folder.Dispose();
    }

    private async Task<IPage> NewPageAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress, ViewportSize = new() { Width = 1280, Height = 900 } });
        // A Production host started from an empty folder, on a 2-core machine shared with the other browser tests: waits are bounds, not sleeps.
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>Opens a link to choose the first password, chooses it, and signs in with it.</summary>
    private async Task<IPage> AcceptAsync(string link, string email)
    {
        var page = await NewPageAsync();
        await page.GotoAsync(new Uri(link).PathAndQuery);
        await page.Locator("#Input\\.Password").FillAsync(Password);
        await page.Locator("#Input\\.ConfirmPassword").FillAsync(Password);
        await page.GetByTestId("choose-password").ClickAsync();
        await page.WaitForURLAsync(new Regex("/Account/Login"));
        await page.SignInAsync(email, Password);
        return page;
    }

    private static async Task ChooseAsync(IPage page, string testId, string option)
    {
        await page.Locator($"[data-testid={testId}]").First.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option }).ClickAsync();
    }

    /// <summary>
    /// Opens a dialog and waits until it has put focus in its first field, as it does once open: a field filled before
    /// that would see its text land in the first field (a person never types that fast; a loaded CI machine can).
    /// </summary>
    private static async Task OpenDialogAsync(IPage page, string opener, string firstField)
    {
        await page.GetByTestId(opener).ClickAsync();
        await Assertions.Expect(page.Locator($"input[data-testid={firstField}]")).ToBeFocusedAsync();
    }

    private async Task InviteAsync(IPage admin, string name, string email, string role, string? agency = null)
    {
        await OpenDialogAsync(admin, "invite-staff", "invite-name");
        await admin.Locator("input[data-testid=invite-name]").FillAsync(name);
        await admin.Locator("input[data-testid=invite-email]").FillAsync(email);
        await ChooseAsync(admin, "invite-role", role);
        if (agency is not null)
        {
            await ChooseAsync(admin, "invite-agency", agency);
        }

        await admin.GetByTestId("send-invitation").ClickAsync();
        await Assertions.Expect(admin.GetByTestId($"staff-status-{email}")).ToHaveTextAsync("Invited: no password yet");
    }

    [Fact]
    public async Task FromAnEmptyFolder_AnOperatorStaffsACity_AndEveryoneIsToldByEmail()
    {
        // 1. The first admin, from the command line, before the web app ever ran.
        var created = await AppCommand.RunAsync(["create-admin", "--email", "ada@city.example", "--name", "Ada Admin"],
            new Dictionary<string, string>(Settings.Select(s => KeyValuePair.Create(s.Key.Replace(":", "__"), s.Value))) { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        Assert.True(created.ExitCode == 0, created.Error);
        var adminLink = Regex.Match(created.Output, @"http\S+ChoosePassword\S+").Value;

        _app = new ProductionApp(Settings, _port);
        _app.StartServer();
        await SeedResidentAsync();

        // 2. The admin chooses a password from the printed link, adds an agency, and invites an officer and an auditor.
        var admin = await AcceptAsync(adminLink, "ada@city.example");
        await admin.WaitForURLAsync(new Regex("/admin$"));
        await admin.WaitForCircuitAsync();
        await OpenDialogAsync(admin, "add-agency", "agency-name");
        await admin.Locator("input[data-testid=agency-name]").FillAsync("Harbour City Police");
        await admin.Locator("input[data-testid=agency-jurisdiction]").FillAsync("Harbour City");
        await admin.Locator("input[data-testid=agency-contact]").FillAsync("records@harbour.example");
        // Review is on for a new agency; this city has no reviewer yet, so its requests go straight to residents.
        var review = admin.Locator("[data-testid=agency-requires-review] input, input[data-testid=agency-requires-review]");
        Assert.True(await review.IsCheckedAsync(), "A new agency's requests should need review unless the admin says otherwise.");
        await review.UncheckAsync();
        await admin.GetByTestId("save-agency").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("agency-table")).ToContainTextAsync("Harbour City Police");
        await InviteAsync(admin, "Officer Vale", "vale@harbour.example", "Officer: files requests for one agency", "Harbour City Police");
        await InviteAsync(admin, "Lee Auditor", "lee@oversight.example", "Auditor: reads and verifies the disclosure log");

        // 3. Both invitations arrive, each to its own address, and each invitee chooses a password and signs in.
        var officerMail = await _smtp.WaitForAsync(m => m.To.Mailboxes.Single().Address == "vale@harbour.example");
        var auditorMail = await _smtp.WaitForAsync(m => m.To.Mailboxes.Single().Address == "lee@oversight.example");
        Assert.Contains("an officer of Harbour City Police", officerMail.TextBody);
        var officer = await AcceptAsync(TestSmtpServer.LinkIn(officerMail, "/Account/ChoosePassword"), "vale@harbour.example");
        await officer.WaitForURLAsync(new Regex("/agency/requests$"));
        await officer.WaitForCircuitAsync();
        var auditor = await AcceptAsync(TestSmtpServer.LinkIn(auditorMail, "/Account/ChoosePassword"), "lee@oversight.example");
        await auditor.WaitForURLAsync(new Regex("/audit$"));

        // 4. The officer files a request over the resident's camera; the resident is told by e-mail, alone.
        var now = DateTime.UtcNow;
        await officer.GetByTestId("new-request").ClickAsync();
        await officer.WaitForURLAsync(new Regex("/agency/requests/new$"));
        await officer.WaitForCircuitAsync();
        await officer.Locator("input[data-testid=request-case]").FillAsync("HC-2026-1");
        await ChooseAsync(officer, "request-incident", "Vandalism");
        await officer.Locator("textarea[data-testid=request-description]").FillAsync("A car's windows were smashed on Quay Street.");
        await officer.Locator("input[data-testid=request-latitude]").FillAsync(ResidentLatitude.ToString("0.000000", CultureInfo.InvariantCulture));
        await officer.Locator("input[data-testid=request-longitude]").FillAsync(ResidentLongitude.ToString("0.000000", CultureInfo.InvariantCulture));
        await officer.Locator("input[data-testid=request-radius]").FillAsync("300");
        await officer.Locator("input[data-testid=request-window-start]").FillAsync(now.AddHours(-6).ToString("yyyy-MM-ddTHH:mm"));
        await officer.Locator("input[data-testid=request-window-end]").FillAsync(now.AddHours(-5).ToString("yyyy-MM-ddTHH:mm"));
        // Every value is in its field before filing (once, under load, the filing did not go through; if a typed value is
        // lost, this names the field instead of a navigation that never comes).
        foreach (var (field, value) in new[]
        {
            ("input[data-testid=request-case]", "HC-2026-1"),
            ("input[data-testid=request-radius]", "300"),
            ("input[data-testid=request-window-start]", now.AddHours(-6).ToString("yyyy-MM-ddTHH:mm")),
            ("input[data-testid=request-window-end]", now.AddHours(-5).ToString("yyyy-MM-ddTHH:mm")),
        })
        {
            await Assertions.Expect(officer.Locator(field)).ToHaveValueAsync(value);
        }

        await officer.GetByTestId("file-request").ClickAsync();
        await officer.WaitForURLAsync(new Regex("/agency/requests/[0-9a-f-]{36}$"));
        var notice = await _smtp.WaitForAsync(m => m.To.Mailboxes.Single().Address == "maya@residents.example");
        Assert.Contains("Harbour City Police", notice.Subject);
        Assert.Matches($"{Regex.Escape(BaseAddress)}/inbox/[0-9a-f-]{{36}}", notice.TextBody);

        // 5. The auditor, opening the log now, sees who gave whom access, and who filed the request.
        await auditor.ReloadAsync();
        await auditor.WaitForCircuitAsync();
        var grid = auditor.GetByTestId("audit-grid");
        await Assertions.Expect(grid).ToContainTextAsync("StaffInvited");
        await Assertions.Expect(grid).ToContainTextAsync("Ada Admin (admin)");
        await Assertions.Expect(grid).ToContainTextAsync("RequestCreated");
        await Assertions.Expect(grid).ToContainTextAsync("Officer Vale (officer)");
        await Assertions.Expect(grid).ToContainTextAsync("AdminCreated");
    }

    private const double ResidentLatitude = 47.6101;
    private const double ResidentLongitude = -122.3421;

    /// <summary>A resident who registered and confirmed their address earlier, with one camera near Quay Street.</summary>
    private async Task SeedResidentAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var resident = new ApplicationUser
        {
            UserName = "maya@residents.example", Email = "maya@residents.example", EmailConfirmed = true, DisplayName = "Maya", CreatedAt = DateTime.UtcNow,
        };
        Assert.True((await users.CreateAsync(resident, "maya's own passphrase")).Succeeded);
        await users.AddToRoleAsync(resident, Roles.Resident);
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        db.Cameras.Add(new Camera { Id = Guid.NewGuid(), OwnerId = resident.Id, Label = "Porch", Latitude = ResidentLatitude, Longitude = ResidentLongitude, IsActive = true });
        await db.SaveChangesAsync();
    }
}
