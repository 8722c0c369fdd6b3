using System.Net;
using System.Text.RegularExpressions;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Seeding;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Security;

/// <summary>
/// The cross-role and cross-owner probe as a test. Every routable endpoint the app declares must have an entry here, so a
/// new page is covered the day it is added. Each identity opens every role page and every object it does not own; what
/// it gets must be the same sign-in redirect, access-denied redirect or "not found" it gets for an id that does not exist.
/// </summary>
public sealed partial class AccessMatrixTests : IAsyncLifetime
{
    private enum Access
    {
        Anyone,
        SignedIn,
        Resident,
        Officer,
        Auditor,
        Reviewer,
        Admin,

        /// <summary>An object's owner (a notice, a receipt, a request of one's agency, a clip with a live disclosure, a demand's document for admins and auditors).</summary>
        Owner,

        /// <summary>Not a page to open: the circuit hub, static files, and POST-only actions tested where they live.</summary>
        NotProbed,
    }

    /// <summary>Every endpoint pattern, and who may open it.</summary>
    private static readonly Dictionary<string, Access> Matrix = new()
    {
        ["/"] = Access.Anyone, ["/privacy"] = Access.Anyone, ["/not-found"] = Access.Anyone, ["/Error"] = Access.Anyone,
        ["/Account/AccessDenied"] = Access.Anyone, ["/Account/ChoosePassword"] = Access.Anyone, ["/Account/ConfirmEmail"] = Access.Anyone,
        ["/Account/ConfirmEmailChange"] = Access.Anyone, ["/Account/ForgotPassword"] = Access.Anyone,
        ["/Account/ForgotPasswordConfirmation"] = Access.Anyone, ["/Account/InvalidPasswordReset"] = Access.Anyone,
        ["/Account/InvalidUser"] = Access.Anyone, ["/Account/Lockout"] = Access.Anyone, ["/Account/Login"] = Access.Anyone,
        ["/Account/LoginWith2fa"] = Access.Anyone, ["/Account/LoginWithRecoveryCode"] = Access.Anyone, ["/Account/Register"] = Access.Anyone,
        ["/Account/RegisterConfirmation"] = Access.Anyone, ["/Account/ResendEmailConfirmation"] = Access.Anyone,
        ["/Account/ResetPassword"] = Access.Anyone, ["/Account/ResetPasswordConfirmation"] = Access.Anyone,
        ["/Account/Manage"] = Access.SignedIn, ["/Account/Manage/ChangePassword"] = Access.SignedIn,
        ["/Account/Manage/DeletePersonalData"] = Access.SignedIn, ["/Account/Manage/Disable2fa"] = Access.SignedIn,
        ["/Account/Manage/Email"] = Access.SignedIn, ["/Account/Manage/EnableAuthenticator"] = Access.SignedIn,
        ["/Account/Manage/GenerateRecoveryCodes"] = Access.SignedIn, ["/Account/Manage/Passkeys"] = Access.SignedIn,
        ["/Account/Manage/PersonalData"] = Access.SignedIn, ["/Account/Manage/SetPassword"] = Access.SignedIn,
        ["/Account/Manage/TwoFactorAuthentication"] = Access.SignedIn, ["/Account/Manage/ResetAuthenticator"] = Access.SignedIn,
        ["/Account/Manage/RenamePasskey/{Id}"] = Access.NotProbed,
        ["/inbox"] = Access.Resident, ["/cameras"] = Access.Resident, ["/clips"] = Access.Resident, ["/disclosures"] = Access.Resident,
        ["/preferences"] = Access.Resident,
        ["/agency/requests"] = Access.Officer, ["/agency/requests/new"] = Access.Officer,
        ["/audit"] = Access.Auditor, ["/audit/report"] = Access.Auditor, ["/audit/verify"] = Access.Auditor,
        ["/audit/export.csv"] = Access.Auditor, ["/audit/export.jsonl"] = Access.Auditor,
        ["/audit/checkpoint-public-key.pem"] = Access.Anyone,
        ["/log/heads"] = Access.Anyone, ["/log/heads.json"] = Access.Anyone, ["/log/public-key.pem"] = Access.Anyone,
        ["/log/consistency"] = Access.Anyone, ["/log/check-receipt"] = Access.Anyone,
        ["/admin"] = Access.Admin, ["/admin/legal-demands"] = Access.Admin, ["/admin/legal-demands/new"] = Access.Admin,
        ["/audit/legal-demands"] = Access.Auditor, ["/review"] = Access.Reviewer,
        ["/public/requests"] = Access.Anyone, ["/public/requests.json"] = Access.Anyone, ["/public/requests.atom"] = Access.Anyone,
        // The language and theme switches only set a cookie and redirect within the site (SpanishTests, StaticPagesTests).
        ["/culture/{name}"] = Access.NotProbed, ["/theme/{mode}"] = Access.NotProbed,
        ["/healthz"] = Access.Anyone, ["/readyz"] = Access.Anyone,
        ["/legal-demands/{id:guid}/document"] = Access.Owner,
        ["/inbox/{NoticeId:guid}"] = Access.Owner, ["/agency/requests/{RequestId:guid}"] = Access.Owner,
        ["/clips/{id:guid}/content"] = Access.Owner, ["/disclosures/{id:guid}/receipt"] = Access.Owner,
        ["/Account/Logout"] = Access.NotProbed, ["/Account/Manage/DownloadPersonalData"] = Access.NotProbed,
        ["/Account/PasskeyCreationOptions"] = Access.NotProbed, ["/Account/PasskeyRequestOptions"] = Access.NotProbed,
        ["/_blazor"] = Access.NotProbed, ["/_blazor/disconnect/"] = Access.NotProbed, ["/_blazor/initializers/"] = Access.NotProbed,
        ["/_blazor/negotiate"] = Access.NotProbed, ["/_framework/opaque-redirect"] = Access.NotProbed, ["{**path:file}"] = Access.NotProbed,
    };

    private readonly AppFactory _app = new();
    private readonly Dictionary<string, HttpClient> _clients = [];
    private readonly Dictionary<string, (string Id, string? Role, int? AgencyId)> _people = [];
    private int _attempts;

    private const string Anonymous = "anonymous";
    private const string OtherAgencyOfficer = "officer@harbour.example";

    private static readonly string[] Identities =
    [
        Anonymous, "maya@larkspurbay.example", "tomas@larkspurbay.example", "officer.reyes@larkspurbay.example",
        "officer.okafor@larkspurbay.example", OtherAgencyOfficer, "auditor@larkspurbay.example", "reviewer@larkspurbay.example",
        "admin@larkspurbay.example",
    ];

    public async ValueTask InitializeAsync()
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            // A second agency with an officer, and one disclosure each way, so there is something of someone else's to ask for.
            var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
            var harbour = new Agency { Name = "Harbour Police", Jurisdiction = "Harbour", RequiresReview = false };
            db.Agencies.Add(harbour);
            await db.SaveChangesAsync();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var officer = new ApplicationUser { UserName = OtherAgencyOfficer, Email = OtherAgencyOfficer, EmailConfirmed = true, DisplayName = "Officer Port", AgencyId = harbour.Id };
            await users.CreateAsync(officer, DemoCity.Password);
            await users.AddToRoleAsync(officer, Roles.Officer);
            db.FootageRequests.Add(new FootageRequest
            {
                Id = Guid.NewGuid(), AgencyId = harbour.Id, OfficerId = officer.Id, CaseNumber = "HARBOUR-1", IncidentType = IncidentType.Robbery,
                Description = "Harbour's own", OfficerContact = "desk", CenterLatitude = DemoCity.CenterLatitude, CenterLongitude = DemoCity.CenterLongitude,
                RadiusMeters = 300, WindowStart = DateTime.UtcNow.AddDays(-2), WindowEnd = DateTime.UtcNow.AddDays(-2).AddHours(1), CreatedAt = DateTime.UtcNow,
                ExpiresAt = DateTime.UtcNow.AddDays(7), Status = RequestStatus.Open,
            });
            await db.SaveChangesAsync();
        }

        await using (var db = _app.CreateDbContext())
        {
            foreach (var email in Identities.Where(i => i != Anonymous))
            {
                var user = await db.Users.SingleAsync(u => u.Email == email);
                var role = await (from link in db.UserRoles join r in db.Roles on link.RoleId equals r.Id where link.UserId == user.Id select r.Name).SingleAsync();
                _people[email] = (user.Id, role, user.AgencyId);
            }
        }

        // Maya shares a clip for one of her notices: a live disclosure to the demo agency.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var notices = scope.ServiceProvider.GetRequiredService<NoticeService>();
            var maya = Principals.For(_people["maya@larkspurbay.example"].Id, Roles.Resident);
            await using var db = _app.CreateDbContext();
            foreach (var noticeId in await db.RequestNotices.Where(n => n.ResidentId == _people["maya@larkspurbay.example"].Id).Select(n => n.Id).ToListAsync())
            {
                if ((await notices.GetAsync(maya, noticeId))?.Clips is [var clip, ..])
                {
                    await notices.ShareAsync(maya, new ShareInput { NoticeId = noticeId, ClipIds = [clip.Id], AllowDownload = true });
                    break;
                }
            }
        }

        // Tomas's footage is produced under a warrant whose notice waits: a compelled disclosure, and a document to probe.
        var demand = await LegalDemands.InputForAsync(_app.Services, "tomas@larkspurbay.example", DemoCity.AgencyName);
        demand.DelayNotice = true;
        demand.NoticeAt = DateTime.UtcNow.AddDays(20);
        demand.NoticeDelayReason = "Telling the resident now would alert the suspect.";
        await LegalDemands.RecordAsync(_app.Services, demand);

        foreach (var identity in Identities)
        {
            var client = _app.CreateBrowserlessClient();
            if (identity != Anonymous)
            {
                await SignIn.AsAsync(client, identity);
            }

            _clients[identity] = client;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await _app.DisposeAsync();
    }

    [Fact]
    public void EveryEndpointTheAppDeclares_HasAnEntryInTheMatrix()
    {
        var patterns = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText!)
            .Where(p => !IsStaticAsset(p))
            .Distinct()
            .ToList();

        var missing = patterns.Where(p => !Matrix.ContainsKey(p)).ToList();

        Assert.True(missing.Count == 0, $"Endpoints without an entry in the access matrix: {string.Join(", ", missing)}");
        Assert.Contains("/inbox/{NoticeId:guid}", patterns);
    }

    [Fact]
    public async Task NoIdentity_ReachesAPageOfAnotherRole_OrAnObjectOfSomeoneElse_AndEachRefusalLooksLikeAMissingId()
    {
        var leaks = new List<string>();
        await ProbeRolePagesAsync(leaks);
        await ProbeObjectsAsync(leaks);

        Assert.True(leaks.Count == 0, $"{leaks.Count} leaks in {_attempts} attempts:\n{string.Join("\n", leaks.Take(30))}");
        Assert.True(_attempts >= 2000, $"Only {_attempts} attempts were made.");
    }

    private async Task ProbeRolePagesAsync(List<string> leaks)
    {
        foreach (var (path, access) in Matrix.Where(m => m.Value is not (Access.Owner or Access.NotProbed) && !m.Key.Contains('{')))
        {
            foreach (var identity in Identities)
            {
                using var response = await GetAsync(identity, path);
                var role = identity == Anonymous ? null : _people[identity].Role;
                var allowed = access switch
                {
                    Access.Anyone => true,
                    Access.SignedIn => role is not null,
                    _ => role == access.ToString(),
                };
                var location = response.Headers.Location?.ToString() ?? "";
                var refused = response.StatusCode == HttpStatusCode.Redirect
                    && (location.Contains("/Account/Login?", StringComparison.Ordinal) || location.Contains("/Account/AccessDenied", StringComparison.Ordinal));
                if (allowed && refused)
                {
                    leaks.Add($"{identity} was refused {path} ({location}), which is theirs to open.");
                }
                else if (!allowed && !(refused && location.Contains(role is null ? "/Account/Login" : "/Account/AccessDenied", StringComparison.Ordinal)))
                {
                    leaks.Add($"{identity} opened {path}: {(int)response.StatusCode} {location}");
                }
            }
        }
    }

    private async Task ProbeObjectsAsync(List<string> leaks)
    {
        await using var db = _app.CreateDbContext();
        var now = DateTime.UtcNow;
        var notices = await db.RequestNotices.Select(n => new { n.Id, n.ResidentId }).ToListAsync();
        var requests = await db.FootageRequests.Select(r => new { r.Id, r.AgencyId }).ToListAsync();
        var clips = await db.Clips.Select(c => new { c.Id, c.Camera!.OwnerId }).ToListAsync();
        var live = await db.Disclosures.Where(Disclosure.Live.At(now)).Select(d => new { d.ClipId, d.AgencyId, d.AllowDownload }).ToListAsync();
        var disclosures = await db.Disclosures.Select(d => new { d.Id, d.ResidentId, d.LegalDemandId }).ToListAsync();
        var demands = await db.LegalDemands.Select(d => d.Id).ToListAsync();
        Assert.NotEmpty(demands);

        foreach (var identity in Identities)
        {
            var (userId, role, agencyId) = identity == Anonymous ? ("", null, null) : _people[identity];
            await ProbeAsync(identity, "/inbox/{0}", notices.Select(n => (n.Id, role == Roles.Resident && n.ResidentId == userId)), leaks);
            await ProbeAsync(identity, "/agency/requests/{0}", requests.Select(r => (r.Id, role == Roles.Officer && r.AgencyId == agencyId)), leaks);
            // A compelled disclosure whose notice waits is not the resident's to see yet: its receipt is "not found" too.
            await ProbeAsync(identity, "/disclosures/{0}/receipt",
                disclosures.Select(d => (d.Id, role == Roles.Resident && d.ResidentId == userId && d.LegalDemandId is null)), leaks);
            await ProbeAsync(identity, "/legal-demands/{0}/document", demands.Select(d => (d, role is Roles.Admin or Roles.Auditor)), leaks);
            bool MaySee(Guid clipId, string owner, bool download) =>
                (role == Roles.Resident && owner == userId)
                || (role == Roles.Officer && live.Any(d => d.ClipId == clipId && d.AgencyId == agencyId && (!download || d.AllowDownload)));
            await ProbeAsync(identity, "/clips/{0}/content", clips.Select(c => (c.Id, MaySee(c.Id, c.OwnerId, false))), leaks);
            await ProbeAsync(identity, "/clips/{0}/content?download=true", clips.Select(c => (c.Id, MaySee(c.Id, c.OwnerId, true))), leaks);
            await ProbeAsync(identity, "/clips/{0}/content", clips.Select(c => (c.Id, MaySee(c.Id, c.OwnerId, false))), leaks, range: "bytes=0-99");
        }
    }

    /// <summary>Asks for each object; one not theirs must be answered exactly as an id that does not exist.</summary>
    private async Task ProbeAsync(string identity, string template, IEnumerable<(Guid Id, bool Allowed)> objects, List<string> leaks, string? range = null)
    {
        using var missing = await GetAsync(identity, string.Format(template, Guid.NewGuid()), range);
        var expected = await ShapeAsync(missing);
        foreach (var (id, allowed) in objects)
        {
            using var response = await GetAsync(identity, string.Format(template, id), range);
            var shape = await ShapeAsync(response);
            if (allowed && !response.IsSuccessStatusCode)
            {
                leaks.Add($"{identity} was refused {string.Format(template, id)}, which is theirs ({(int)response.StatusCode}).");
            }
            else if (!allowed && shape != expected)
            {
                leaks.Add($"{identity} got {string.Format(template, id)} answered differently from a missing id: {shape[..Math.Min(200, shape.Length)]}");
            }
        }
    }

    private async Task<HttpResponseMessage> GetAsync(string identity, string path, string? range = null)
    {
        _attempts++;
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (range is not null)
        {
            request.Headers.Range = System.Net.Http.Headers.RangeHeaderValue.Parse(range);
        }

        return await _clients[identity].SendAsync(request);
    }

    /// <summary>What a person could tell apart: status, type, redirect target and the page with ids and per-render tokens removed.</summary>
    private static async Task<string> ShapeAsync(HttpResponseMessage response)
    {
        var body = GuidPattern().Replace(Markup.WithoutPerRenderTokens(await response.Content.ReadAsStringAsync()), "(id)");
        var location = GuidPattern().Replace(response.Headers.Location?.ToString() ?? "", "(id)");
        return $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {location}\n{body}";
    }

    private static bool IsStaticAsset(string pattern) =>
        pattern.Contains('.') && !pattern.StartsWith("/audit/", StringComparison.Ordinal) && !pattern.Contains('{');

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();
}
