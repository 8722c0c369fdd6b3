using System.Net;
using System.Text.RegularExpressions;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Admin;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ConsentDashboard.Tests.Features.Account;

/// <summary>
/// The real host sending through a real SMTP server in the test process, with every log line the app writes captured:
/// account e-mails, invitations and request notices arrive, each to one person, and no log line carries a link or token.
/// </summary>
public sealed class MailFlowTests : IAsyncLifetime
{
    private readonly TestSmtpServer _smtp = TestSmtpServer.Start();
    private readonly LoggedAppFactory _app = new();

    public ValueTask InitializeAsync()
    {
        foreach (var (name, value) in _smtp.Settings)
        {
            _app.Settings[name] = value;
        }

        _app.Settings["ConsentDashboard:PublicBaseUrl"] = "https://consent.example.org";
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private sealed class LoggedAppFactory : AppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddFakeLogging());
        }

        public IReadOnlyList<FakeLogRecord> Logs => Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
    }

    [Fact]
    public async Task RegisteringAndResettingAPassword_SendTheirLinksByEmail_AndTheLinksWork()
    {
        using var client = _app.CreateBrowserlessClient();
        var registered = await SignIn.PostFormAsync(client, "/Account/Register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Rosa Quinlan",
            ["Input.Email"] = "rosa@residents.example",
            ["Input.Password"] = "correct-horse-battery",
            ["Input.ConfirmPassword"] = "correct-horse-battery",
        });
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);

        var confirmation = await _smtp.WaitForAsync(m => m.To.Mailboxes.Any(a => a.Address == "rosa@residents.example"));
        var confirmed = await client.GetAsync(new Uri(TestSmtpServer.LinkIn(confirmation, "/Account/ConfirmEmail")).PathAndQuery);
        Assert.Contains("Thank you for confirming", await confirmed.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        await SignIn.AsAsync(client, "rosa@residents.example", "correct-horse-battery");

        await SignIn.PostFormAsync(_app.CreateBrowserlessClient(), "/Account/ForgotPassword",
            new Dictionary<string, string> { ["Input.Email"] = "rosa@residents.example" });
        var reset = await _smtp.WaitForAsync(m => (m.Subject ?? "").Contains("new ConsentDashboard password"));
        Assert.Contains("/Account/ResetPassword?code=", TestSmtpServer.LinkIn(reset, "/Account/ResetPassword"));

        AssertNoLinkOrTokenWasLogged();
    }

    [Fact]
    public async Task ANewRequest_EmailsEachResidentItReached_Alone_WithoutTheAreaOrAnyCount()
    {
        string quietResident;
        await using (var db = _app.CreateDbContext())
        {
            // One resident turned the e-mails off: their notice still arrives in the inbox, but no message.
            quietResident = await db.Users.Where(u => u.Email == DemoAccounts.OtherResident).Select(u => u.Id).SingleAsync();
            await db.Users.Where(u => u.Id == quietResident).ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailAboutRequests, false));
        }

        var requestId = await FileHitAndRunAsync("MAIL-1");
        await using (var db = _app.CreateDbContext())
        {
            Assert.False(await db.RequestNotices.AnyAsync(n => n.RequestId == requestId), "Nobody is told before the reviewer approves.");
            Assert.False(await db.OutboxMessages.AnyAsync(m => m.Kind == RequestNoticeMail.Kind), "No e-mail goes out before the reviewer approves.");
            await Reviewing.ApproveAsync(_app.Services, requestId);
        }

        await using var check = _app.CreateDbContext();
        var notices = await check.RequestNotices.Where(n => n.RequestId == requestId)
            .Select(n => new { n.Id, n.ResidentId, n.Resident!.Email }).ToListAsync();
        var expected = notices.Where(n => n.ResidentId != quietResident).ToList();
        Assert.True(expected.Count >= 2, "The request should reach several demo residents.");
        foreach (var notice in expected)
        {
            var message = await _smtp.WaitForAsync(m => (m.Subject ?? "").Contains("hit and run") && m.To.Mailboxes.Single().Address == notice.Email);
            Assert.Empty(message.Cc.Concat(message.Bcc));
            Assert.Contains($"https://consent.example.org/inbox/{notice.Id}", message.TextBody);
            Assert.Contains("Larkspur Bay Police Department", message.TextBody);
            // The words, without the link, whose ids could contain any digits.
            var words = Regex.Replace(message.TextBody ?? "", @"https?://\S+", "(link)");
            Assert.DoesNotMatch(@"\b640\b", words);
            Assert.DoesNotMatch($@"\b{notices.Count}\s+(residents|people|others|neighbou?rs|households|cameras)", words);
        }

        Assert.Contains(notices, n => n.ResidentId == quietResident);
        Assert.DoesNotContain(_smtp.Messages, m => (m.Subject ?? "").Contains("hit and run") && m.To.Mailboxes.Single().Address == DemoAccounts.OtherResident);
        Assert.Equal(expected.Count, _smtp.Messages.Count(m => (m.Subject ?? "").Contains("hit and run")));
        AssertNoLinkOrTokenWasLogged();
    }

    /// <summary>
    /// A resident who registers from a Spanish browser gets the confirmation in Spanish, and so does a later password
    /// reset asked for from an English browser: the account keeps the language it was made in.
    /// </summary>
    [Fact]
    public async Task AnAccountMadeInSpanish_GetsItsEmailsInSpanish_EvenWhenTheResetIsAskedInEnglish()
    {
        using var client = _app.CreateBrowserlessClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es-MX,es;q=0.9");
        await SignIn.PostFormAsync(client, "/Account/Register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Lucía Ortega",
            ["Input.Email"] = "lucia@residents.example",
            ["Input.Password"] = "correct-horse-battery",
            ["Input.ConfirmPassword"] = "correct-horse-battery",
        });

        var confirmation = await _smtp.WaitForAsync(m => m.To.Mailboxes.Any(a => a.Address == "lucia@residents.example"));
        Assert.Equal("Confirme su cuenta de ConsentDashboard", confirmation.Subject);
        Assert.StartsWith("Hola, Lucía Ortega:", confirmation.TextBody);
        await using (var db = _app.CreateDbContext())
        {
            Assert.Equal("es", await db.Users.Where(u => u.Email == "lucia@residents.example").Select(u => u.Language).SingleAsync());
        }

        // A reset is sent to a confirmed address only.
        await client.GetAsync(new Uri(TestSmtpServer.LinkIn(confirmation, "/Account/ConfirmEmail")).PathAndQuery);
        using var english = _app.CreateBrowserlessClient();
        english.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-US");
        await SignIn.PostFormAsync(english, "/Account/ForgotPassword", new Dictionary<string, string> { ["Input.Email"] = "lucia@residents.example" });
        var reset = await _smtp.WaitForAsync(m => m.To.Mailboxes.Any(a => a.Address == "lucia@residents.example") && m != confirmation);
        Assert.Equal("Elija una contraseña nueva de ConsentDashboard", reset.Subject);
    }

    /// <summary>Each message is written in its recipient's language, whatever language the officer and the reviewer use.</summary>
    [Fact]
    public async Task ARequestReachesASpanishSpeakingResidentInSpanish_AndTheOthersInEnglish()
    {
        await using (var db = _app.CreateDbContext())
        {
            await db.Users.Where(u => u.Email == DemoAccounts.Resident).ExecuteUpdateAsync(s => s.SetProperty(u => u.Language, "es"));
        }

        var requestId = await FileHitAndRunAsync("MAIL-ES");
        await Reviewing.ApproveAsync(_app.Services, requestId);

        await using var check = _app.CreateDbContext();
        var reached = await check.RequestNotices.Where(n => n.RequestId == requestId).Select(n => n.Resident!.Email!).ToListAsync();
        Assert.Contains(DemoAccounts.Resident, reached);
        var english = reached.First(e => e != DemoAccounts.Resident);

        var spanish = await _smtp.WaitForAsync(m => m.To.Mailboxes.Single().Address == DemoAccounts.Resident && (m.Subject ?? "").Contains("Larkspur Bay Police Department"));
        Assert.Equal("Larkspur Bay Police Department pide grabaciones de cámaras (atropello con fuga)", spanish.Subject);
        Assert.StartsWith("Hola, ", spanish.TextBody);
        Assert.Contains("La solicitud se cierra el", spanish.TextBody);
        Assert.Contains("Abrir la solicitud", spanish.HtmlBody);
        Assert.Contains("<html lang=\"es\">", spanish.HtmlBody);

        var other = await _smtp.WaitForAsync(m => m.To.Mailboxes.Single().Address == english && (m.Subject ?? "").Contains("Larkspur Bay Police Department"));
        Assert.Equal("Larkspur Bay Police Department asks for camera footage (hit and run)", other.Subject);
        Assert.Contains("<html lang=\"en\">", other.HtmlBody);
    }

    /// <summary>The demo officer files a hit-and-run request over the demo city's centre (640 m), which reaches several residents once approved.</summary>
    private async Task<Guid> FileHitAndRunAsync(string caseNumber)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        await using var db = _app.CreateDbContext();
        var officerId = await db.Users.Where(u => u.Email == DemoAccounts.Officer).Select(u => u.Id).SingleAsync();
        var now = DateTime.UtcNow;
        return await scope.ServiceProvider.GetRequiredService<AgencyRequestService>().FileAsync(Principals.For(officerId, Roles.Officer), new FootageRequestInput
        {
            CaseNumber = caseNumber, IncidentType = IncidentType.HitAndRun, Description = "A cyclist was hit.", OfficerContact = "desk",
            CenterLatitude = global::ConsentDashboard.Infrastructure.Seeding.DemoCity.CenterLatitude, CenterLongitude = global::ConsentDashboard.Infrastructure.Seeding.DemoCity.CenterLongitude,
            RadiusMeters = 640, WindowStart = now.AddHours(-5), WindowEnd = now.AddHours(-4), ExpiresInDays = 7,
        });
    }

    [Fact]
    public async Task AnInvitation_ReachesTheInvitee_WhoseLinkOpensThePasswordPage()
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        await using (var db = _app.CreateDbContext())
        {
            var adminId = await db.Users.Where(u => u.Email == DemoAccounts.Admin).Select(u => u.Id).SingleAsync();
            await scope.ServiceProvider.GetRequiredService<StaffAccounts>().InviteAsync(Principals.For(adminId, Roles.Admin),
                new StaffInviteInput { Email = "lee@oversight.example", DisplayName = "Lee Auditor", Role = Roles.Auditor });
        }

        var invitation = await _smtp.WaitForAsync(m => m.To.Mailboxes.Single().Address == "lee@oversight.example");
        var link = new Uri(TestSmtpServer.LinkIn(invitation, "/Account/ChoosePassword"));
        using var client = _app.CreateBrowserlessClient();
        var page = await client.GetStringAsync(link.PathAndQuery);

        Assert.Contains("Choose your password", page);
        Assert.Contains("as an auditor", invitation.TextBody);
        var expired = await client.GetStringAsync(Regex.Replace(link.PathAndQuery, "code=[^&]+", "code=bm90LWEtdG9rZW4"));
        Assert.Contains("This link no longer works", expired);
        AssertNoLinkOrTokenWasLogged();
    }

    private void AssertNoLinkOrTokenWasLogged()
    {
        Assert.NotEmpty(_app.Logs);
        foreach (var record in _app.Logs)
        {
            var text = record.Message + " " + record.Exception;
            // The app's own links: the public address, the test server's, or any query carrying a token or an account id.
            Assert.False(Regex.IsMatch(text, @"consent\.example\.org|://localhost|code=|userId=|token=", RegexOptions.IgnoreCase),
                $"A log line carries a link or token: {text}");
        }
    }
}
