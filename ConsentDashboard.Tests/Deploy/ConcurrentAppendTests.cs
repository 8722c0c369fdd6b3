using System.Net;
using System.Net.Http.Headers;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Deploy;

/// <summary>
/// Both app processes appending to one log at once: an officer's clip viewers, four on each node, each opening a shared
/// clip a thousand times (every opening is a <c>ClipViewed</c> entry committed before a byte is sent).
/// </summary>
[Collection(nameof(TwoNodeDeploymentCollection))]
public sealed class ConcurrentAppendTests(TwoNodeDeployment deployment)
{
    private const int WritersPerNode = 4, OpeningsPerWriter = 1_000;

    [Fact]
    public async Task FourViewersOnEachNode_OpeningAClipAThousandTimesEach_LeaveOneGapFreeChainWithAnEntryPerOpening()
    {
        var (disclosureId, clipId) = await ClipSharedWithTheOfficersAgencyAsync();
        var cookie = await OfficerSignInCookieAsync();
        long before;
        await using (var db = deployment.CreateDbContext())
        {
            before = await db.AuditEntries.MaxAsync(e => e.Sequence);
        }

        var viewers = deployment.Nodes
            .SelectMany(node => Enumerable.Range(0, WritersPerNode).Select(_ => OpenRepeatedlyAsync(node, cookie, clipId)))
            .ToArray();
        var statuses = (await Task.WhenAll(viewers)).SelectMany(s => s).ToList();

        Assert.Equal(WritersPerNode * OpeningsPerWriter * deployment.Nodes.Length, statuses.Count);
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.PartialContent, status));
        await using (var db = deployment.CreateDbContext())
        {
            // Everything appended since, whichever node wrote it: numbered without a gap or a repeat.
            var appended = await db.AuditEntries.Where(e => e.Sequence > before).OrderBy(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Action, e.Subject }).ToListAsync();
            Assert.Equal(Enumerable.Range(0, appended.Count).Select(i => before + 1 + i), appended.Select(e => e.Sequence));
            Assert.Equal(statuses.Count, appended.Count(e => e.Action == nameof(ClipViewed) && e.Subject == $"disclosure:{disclosureId}"));
        }

        var verified = await deployment.VerifyLogAsync();
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
        Assert.Contains("Result: VALID", verified.Output);
    }

    /// <summary>Each opening asks for the clip's first byte, straight from the node (not through the proxy).</summary>
    private static async Task<List<HttpStatusCode>> OpenRepeatedlyAsync(TwoNodeDeployment.Node node, string cookie, Guid clipId)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(node.Address) };
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        var statuses = new List<HttpStatusCode>(OpeningsPerWriter);
        for (var i = 0; i < OpeningsPerWriter; i++)
        {
            using var opening = new HttpRequestMessage(HttpMethod.Get, $"/clips/{clipId}/content");
            opening.Headers.Range = new RangeHeaderValue(0, 0);
            using var response = await client.SendAsync(opening);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    /// <summary>The demo resident shares a clip from a new request by the demo officer's agency, through the app's services.</summary>
    private async Task<(Guid Disclosure, Guid Clip)> ClipSharedWithTheOfficersAgencyAsync()
    {
        using var app = await deployment.ServicesAsync();
        var (requestId, noticeId) = await DemoTargets.ApprovedRequestForTheResidentAsync(app, "LBPD-2026-07004");
        await using var db = app.CreateDbContext();
        var resident = await DemoAccounts.PrincipalAsync(db, Roles.Resident);
        var notices = app.Get<NoticeService>();
        var clipId = (await notices.GetAsync(resident, noticeId))!.Clips[0].Id;
        await notices.ShareAsync(resident, new ShareInput { NoticeId = noticeId, ClipIds = [clipId] });
        return (await db.Disclosures.Where(d => d.RequestId == requestId && d.ClipId == clipId).Select(d => d.Id).SingleAsync(), clipId);
    }

    /// <summary>The demo officer signs in once, on node one, through the real form; the cookie serves both nodes.</summary>
    private async Task<string> OfficerSignInCookieAsync()
    {
        var cookies = new CookieContainer();
        var nodeOne = new Uri(deployment.Nodes[0].Address);
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = nodeOne };
        await SignIn.AsAsync(client, DemoAccounts.Officer);
        return cookies.GetCookieHeader(nodeOne);
    }
}
