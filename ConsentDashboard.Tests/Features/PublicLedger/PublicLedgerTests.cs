using System.Net;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Features.Review;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Seeding;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Features.PublicLedger;

/// <summary>The public request ledger: what anyone may read without signing in, and what it must never say.</summary>
public sealed class PublicLedgerTests : IAsyncLifetime
{
    private static readonly string[] RequestFields =
        ["id", "agency", "incidentType", "filed", "windowDay", "approximateLatitude", "approximateLongitude", "radiusMeters", "status", "closingDate"];

    private readonly FakeTimeAppFactory _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Anyone_ReadsTheApprovedRequests_WithApproximateAreas_AndNoCountOfAnyKindPerRequest()
    {
        using var anonymous = _app.CreateBrowserlessClient();
        var page = await anonymous.GetAsync("/public/requests");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(DemoCity.AgencyName, html);
        Assert.Contains("Hit and run", html);

        var ledger = JsonNode.Parse(await anonymous.GetStringAsync("/public/requests.json"))!;
        await using var db = _app.CreateDbContext();
        var approved = await db.FootageRequests.Where(r => r.OpenedAt != null).Select(r => new { r.Id, r.CenterLatitude }).ToListAsync();
        var pending = await db.FootageRequests.Where(r => r.Status == RequestStatus.PendingReview).Select(r => r.Id).SingleAsync();
        var requests = ledger["requests"]!.AsArray();
        Assert.Equal(approved.Select(r => r.Id).Order(), requests.Select(r => r!["id"]!.GetValue<Guid>()).Order());
        Assert.DoesNotContain(pending.ToString(), ledger.ToJsonString());
        foreach (var request in requests)
        {
            // Exactly these fields: nothing counts clips, notices, shares, declines or ignores.
            Assert.Equal(RequestFields.Order(), request!.AsObject().Select(p => p.Key).Order());
            var latitude = request["approximateLatitude"]!.GetValue<double>();
            Assert.Equal(Math.Round(latitude, 2), latitude);
        }

        // Case numbers and descriptions stay with the agency and the residents it asked.
        foreach (var caseNumber in await db.FootageRequests.Select(r => r.CaseNumber).ToListAsync())
        {
            Assert.DoesNotContain(caseNumber, html);
        }

        var atom = await anonymous.GetAsync("/public/requests.atom");
        Assert.Equal("application/atom+xml", atom.Content.Headers.ContentType!.MediaType);
        using var reader = XmlReader.Create(await atom.Content.ReadAsStreamAsync());
        var feed = SyndicationFeed.Load(reader);
        Assert.Equal(approved.Count, feed.Items.Count());
        Assert.All(feed.Items, item => Assert.StartsWith(DemoCity.AgencyName, item.Title.Text));
    }

    [Fact]
    public async Task DeclinesIgnoresAndShares_ChangeOnlyTheSuppressedMonthlyClipTotals()
    {
        // Mid-month, so the demo's requests (hours old) and the share below fall in one month whatever day the test runs.
        var now = DateTimeOffset.UtcNow;
        _app.Time.SetUtcNow(new DateTimeOffset(now.Year, now.Month, 15, 12, 0, 0, TimeSpan.Zero).AddMonths(1));
        using var anonymous = _app.CreateBrowserlessClient();
        var before = await anonymous.GetStringAsync("/public/requests.json");

        await using (var scope = _app.Services.CreateAsyncScope())
        await using (var db = _app.CreateDbContext())
        {
            var service = scope.ServiceProvider.GetRequiredService<NoticeService>();
            var notices = await db.RequestNotices.Where(n => n.Status == NoticeStatus.Pending).OrderBy(n => n.ResidentId).ThenBy(n => n.Id)
                .Select(n => new { n.Id, n.ResidentId }).ToListAsync();
            Assert.True(notices.Count >= 3, "The demo requests should reach several residents.");
            await service.DeclineAsync(Principals.For(notices[0].ResidentId, Roles.Resident), new DeclineInput { NoticeId = notices[0].Id, BlockAgency = true });
            await service.IgnoreAsync(Principals.For(notices[1].ResidentId, Roles.Resident), notices[1].Id);
            var sharer = Principals.For(notices[^1].ResidentId, Roles.Resident);
            var clip = (await service.GetAsync(sharer, notices[^1].Id))!.Clips.FirstOrDefault()
                ?? (await service.GetAsync(sharer, notices[^2].Id))!.Clips.First();
            var noticeId = (await service.GetAsync(sharer, notices[^1].Id))!.Clips.Count > 0 ? notices[^1].Id : notices[^2].Id;
            await service.ShareAsync(sharer, new ShareInput { NoticeId = noticeId, ClipIds = [clip.Id] });
        }

        var after = await anonymous.GetStringAsync("/public/requests.json");
        Assert.NotEqual(ClipTotals(before), ClipTotals(after));
        Assert.Equal(WithoutClipTotals(before), WithoutClipTotals(after));
        // One shared clip is a small count: the month's total is hidden, never shown as 1.
        Assert.DoesNotContain("\"clipsDisclosed\":1,", after.Replace(" ", ""));
    }

    [Fact]
    public async Task ARejectedRequest_IsListedWithItsAgencyAndDate_AndADelayedDemandIsCountedOnlyOnceTheResidentIsTold()
    {
        await using (var db = _app.CreateDbContext())
        {
            var pending = await db.FootageRequests.SingleAsync(r => r.Status == RequestStatus.PendingReview);
            await using var scope = _app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ReviewService>().RejectAsync(
                await Reviewing.DemoReviewerAsync(_app.Services), pending.Id, new RejectionInput { Reason = "The area covers a school at pickup time." });
        }

        var input = await Support.LegalDemands.InputForAsync(_app.Services, DemoAccounts.Resident, DemoCity.AgencyName);
        input.DelayNotice = true;
        input.NoticeAt = DateTime.UtcNow.AddDays(10);
        input.NoticeDelayReason = "The investigation is still covert.";
        await Support.LegalDemands.RecordAsync(_app.Services, input);

        using var anonymous = _app.CreateBrowserlessClient();
        var ledger = JsonNode.Parse(await anonymous.GetStringAsync("/public/requests.json"))!;
        var rejection = Assert.Single(ledger["rejections"]!.AsArray());
        Assert.Equal(DemoCity.AgencyName, rejection!["agency"]!.GetValue<string>());
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow), DateOnly.Parse(rejection["rejected"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain("school", ledger.ToJsonString());
        Assert.All(ledger["months"]!.AsArray(), month => Assert.Equal(0, month!["warrants"]!.GetValue<long>()));
        Assert.DoesNotContain(input.Reference, await anonymous.GetStringAsync("/public/requests"));

        // Its notice date passes and the sweep tells the resident: now the month counts it, hidden as a small number.
        await using (var db = _app.CreateDbContext())
        {
            await db.LegalDemands.ExecuteUpdateAsync(s => s.SetProperty(d => d.NoticeAt, DateTime.UtcNow.AddMinutes(-1)));
        }

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConsentDashboard.Features.LegalDemands.LegalDemandNotices>().SweepAsync();
        }

        var told = JsonNode.Parse(await anonymous.GetStringAsync("/public/requests.json"))!;
        var month = Assert.Single(told["months"]!.AsArray(), m => m!["warrants"] is null);
        Assert.Equal(DemoCity.AgencyName, month!["agency"]!.GetValue<string>());
    }

    private static string ClipTotals(string json) =>
        string.Join(",", JsonNode.Parse(json)!["months"]!.AsArray().Select(m => m!["clipsDisclosed"]?.ToJsonString() ?? "hidden"));

    private static string WithoutClipTotals(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("generatedAt");
        foreach (var month in node["months"]!.AsArray())
        {
            month!.AsObject().Remove("clipsDisclosed");
        }

        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
