using System.Text.Json;
using System.Text.RegularExpressions;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Features.Requests;

/// <summary>
/// Privacy invariant 1, proven by difference: the same world is built four times and one resident answers a request
/// differently each time. Everything the agency's officer can reach is captured; declining, ignoring and not answering
/// must leave identical captures, and sharing may change only what concerns the shared clip.
/// </summary>
public sealed class RefusalIsInvisibleTests
{
    private const string Case = "DIFF-2026-1";

    private enum Answer
    {
        Decline,
        Ignore,
        Nothing,
        Share,
    }

    private static async Task<(SortedDictionary<string, string> Capture, string? SharedSha256)> RunAsync(Answer answer)
    {
        await using var app = new AppFactory();
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = app.CreateDbContext();
        var residentId = await db.Users.Where(u => u.Email == DemoAccounts.Resident).Select(u => u.Id).SingleAsync();
        var resident = Principals.For(residentId, Roles.Resident);
        var requestId = await FileRequestOverAClipOfAsync(app, scope.ServiceProvider, residentId);
        var noticeId = await db.RequestNotices.Where(n => n.ResidentId == residentId && n.RequestId == requestId).Select(n => n.Id).SingleAsync();
        var notices = scope.ServiceProvider.GetRequiredService<NoticeService>();
        string? sharedSha = null;
        switch (answer)
        {
            case Answer.Decline:
                // The strongest refusal: decline and block the agency.
                await notices.DeclineAsync(resident, new DeclineInput { NoticeId = noticeId, BlockAgency = true });
                break;
            case Answer.Ignore:
                await notices.IgnoreAsync(resident, noticeId);
                break;
            case Answer.Share:
                var clip = (await notices.GetAsync(resident, noticeId))!.Clips[0];
                await notices.ShareAsync(resident, new ShareInput { NoticeId = noticeId, ClipIds = [clip.Id] });
                sharedSha = clip.Sha256;
                break;
        }

        return (await OfficerView.CaptureAsync(app, DemoAccounts.Officer), sharedSha);
    }

    /// <summary>The test's own request, filed by the demo officer over the resident's earliest clip, so no demo data is assumed.</summary>
    private static async Task<Guid> FileRequestOverAClipOfAsync(AppFactory app, IServiceProvider services, string residentId)
    {
        await using var db = app.CreateDbContext();
        var clip = await db.Clips.Where(c => c.Camera!.OwnerId == residentId && c.Camera.IsActive)
            .OrderBy(c => c.RecordedStart)
            .Select(c => new { c.RecordedStart, c.Camera!.Latitude, c.Camera.Longitude })
            .FirstAsync();
        var officerId = await db.Users.Where(u => u.Email == DemoAccounts.Officer).Select(u => u.Id).SingleAsync();
        var requestId = await services.GetRequiredService<AgencyRequestService>().FileAsync(Principals.For(officerId, Roles.Officer), new FootageRequestInput
        {
            CaseNumber = Case, IncidentType = IncidentType.Burglary, Description = "A break-in on the resident's street.", OfficerContact = "desk",
            CenterLatitude = clip.Latitude, CenterLongitude = clip.Longitude, RadiusMeters = 300,
            WindowStart = clip.RecordedStart.AddMinutes(-10), WindowEnd = clip.RecordedStart.AddMinutes(20), ExpiresInDays = 7,
        });
        // The demo agency needs review: the request reaches residents once the reviewer approves it.
        await Reviewing.ApproveAsync(app.Services, requestId);
        return requestId;
    }

    [Fact]
    public async Task DecliningIgnoringAndNotAnswering_LookTheSameToTheAgency_AndSharingAddsOnlyTheClip()
    {
        var declined = await RunAsync(Answer.Decline);
        var ignored = await RunAsync(Answer.Ignore);
        var silent = await RunAsync(Answer.Nothing);
        var shared = await RunAsync(Answer.Share);

        Assert.True(silent.Capture.Count > 100, "The capture should hold every page and every clip endpoint.");
        AssertSame(silent.Capture, declined.Capture, "declining");
        AssertSame(silent.Capture, ignored.Capture, "ignoring");

        var changed = silent.Capture.Keys.Where(k => silent.Capture[k] != shared.Capture[k]).ToList();
        var sharedClipKey = Assert.Single(changed, k => k.StartsWith("/clips/", StringComparison.Ordinal) && !k.EndsWith("download=true", StringComparison.Ordinal));
        Assert.Equal(["/agency/requests", $"/agency/requests/{Case}", sharedClipKey], changed);
        Assert.StartsWith("404", silent.Capture[sharedClipKey]);
        Assert.StartsWith("200 video/webm", shared.Capture[sharedClipKey]);
        var detail = shared.Capture[$"/agency/requests/{Case}"];
        Assert.Contains(shared.SharedSha256!, detail);
        Assert.Contains("Neighbor 1", detail);
        Assert.DoesNotContain(shared.SharedSha256!, silent.Capture[$"/agency/requests/{Case}"]);
    }

    private static void AssertSame(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual, string answer)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var key in expected.Keys)
        {
            Assert.True(expected[key] == actual[key], $"After {answer}, the officer's {key} differs from when the resident did nothing:\n{FirstDifference(expected[key], actual[key])}");
        }
    }

    private static string FirstDifference(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        var start = Math.Max(0, i - 80);
        return $"…{a[start..Math.Min(a.Length, i + 80)]}…\nversus\n…{b[start..Math.Min(b.Length, i + 80)]}…";
    }

    [Fact]
    public async Task NoOfficerVisibleOutput_ContainsHowManyWereNotifiedDeclinedOrIgnored()
    {
        // A neighbourhood far from the demo city with distinctive numbers: 37 notified, 13 decline, 19 ignore, 5 silent.
        await using var app = new AppFactory();
        await using var scope = app.Services.CreateAsyncScope();
        string officerId;
        var residents = new List<string>();
        await using (var db = app.CreateDbContext())
        {
            officerId = await db.Users.Where(u => u.Email == DemoAccounts.Officer).Select(u => u.Id).SingleAsync();
            for (var i = 0; i < 37; i++)
            {
                var resident = new ApplicationUser { UserName = $"n{i}@elsewhere.example", Email = $"n{i}@elsewhere.example", DisplayName = $"Neighbour {i}" };
                db.Users.Add(resident);
                db.Cameras.Add(new Camera { Id = Guid.NewGuid(), OwnerId = resident.Id, Label = "Door", Latitude = 10 + i * 0.00004, Longitude = 10, IsActive = true });
                residents.Add(resident.Id);
            }

            await db.SaveChangesAsync();
        }

        var now = DateTime.UtcNow;
        var requestId = await scope.ServiceProvider.GetRequiredService<AgencyRequestService>().FileAsync(Principals.For(officerId, Roles.Officer), new FootageRequestInput
        {
            CaseNumber = "LBPD-COUNT", IncidentType = IncidentType.Vandalism, Description = "Windows broken along a street.", OfficerContact = "desk",
            CenterLatitude = 10.0007, CenterLongitude = 10, RadiusMeters = 400, WindowStart = now.AddHours(-8), WindowEnd = now.AddHours(-6), ExpiresInDays = 7,
        });
        await Reviewing.ApproveAsync(app.Services, requestId);
        var notices = scope.ServiceProvider.GetRequiredService<NoticeService>();
        await using (var db = app.CreateDbContext())
        {
            var byResident = await db.RequestNotices.Where(n => n.RequestId == requestId).ToDictionaryAsync(n => n.ResidentId, n => n.Id);
            Assert.Equal(37, byResident.Count);
            for (var i = 0; i < 13; i++)
            {
                await notices.DeclineAsync(Principals.For(residents[i], Roles.Resident), new DeclineInput { NoticeId = byResident[residents[i]] });
            }

            for (var i = 13; i < 32; i++)
            {
                await notices.IgnoreAsync(Principals.For(residents[i], Roles.Resident), byResident[residents[i]]);
            }

            // Auditors can see how many were notified; the log holds it.
            var created = await db.AuditEntries.SingleAsync(e => e.Subject == $"request:{requestId}" && e.Action == nameof(RequestCreated));
            Assert.Equal(0, JsonDocument.Parse(created.Details).RootElement.GetProperty("notified").GetInt32());
            Assert.True(JsonDocument.Parse(created.Details).RootElement.GetProperty("awaitingReview").GetBoolean());
            var approved = await db.AuditEntries.SingleAsync(e => e.Subject == $"request:{requestId}" && e.Action == nameof(RequestApproved));
            Assert.Equal(37, JsonDocument.Parse(approved.Details).RootElement.GetProperty("notified").GetInt32());
        }

        var capture = await OfficerView.CaptureAsync(app, DemoAccounts.Officer);

        Assert.Contains("LBPD-COUNT", capture[$"/agency/requests/LBPD-COUNT"]);
        foreach (var (key, page) in capture)
        {
            var text = OfficerView.TextOf(page);
            foreach (var number in new[] { 37, 13, 19, 32 })
            {
                Assert.False(Regex.IsMatch(text, $@"(?<![\w.]){number}(?![\w.])"), $"The officer's {key} shows {number}, one of the notice counts.");
            }
        }
    }
}
