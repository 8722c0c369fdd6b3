using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Disclosures;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Features.Disclosures;

/// <summary>What an officer can reach once a resident shares, and how revoking and expiry end it (invariant 3).</summary>
public sealed class DisclosureAccessTests : IAsyncLifetime
{
    private const string Case = "LBPD-2026-04417";
    private readonly FakeTimeAppFactory _app = new();
    private string _residentId = "";
    private Guid _noticeId;
    private List<Guid> _clipIds = [];

    public async ValueTask InitializeAsync()
    {
        await using var db = _app.CreateDbContext();
        _residentId = await db.Users.Where(u => u.Email == DemoAccounts.Resident).Select(u => u.Id).SingleAsync();
        _noticeId = await db.RequestNotices.Where(n => n.ResidentId == _residentId && n.Request!.CaseNumber == Case).Select(n => n.Id).SingleAsync();
        _clipIds = (await ServiceAsync<NoticeService, NoticeDetail?>(s => s.GetAsync(Resident, _noticeId)))!.Clips.Select(c => c.Id).ToList();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private System.Security.Claims.ClaimsPrincipal Resident => Principals.For(_residentId, Roles.Resident);

    private async Task<TResult> ServiceAsync<TService, TResult>(Func<TService, Task<TResult>> call) where TService : notnull
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<TService>());
    }

    private async Task<Guid> ShareAsync(Guid clipId, bool allowDownload = false)
    {
        await ServiceAsync<NoticeService, ShareResult>(s => s.ShareAsync(Resident,
            new ShareInput { NoticeId = _noticeId, ClipIds = [clipId], AllowDownload = allowDownload }));
        await using var db = _app.CreateDbContext();
        return await db.Disclosures.Where(d => d.ClipId == clipId).Select(d => d.Id).SingleAsync();
    }

    private async Task<HttpClient> ClientForAsync(string email)
    {
        var client = _app.CreateBrowserlessClient();
        await SignIn.AsAsync(client, email);
        return client;
    }

    private async Task<List<string>> AccessActionsAsync(Guid disclosureId)
    {
        await using var db = _app.CreateDbContext();
        return await db.AuditEntries.Where(e => e.Subject == $"disclosure:{disclosureId}").OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync();
    }

    [Fact]
    public async Task Officer_WithALiveDisclosure_StreamsTheClip_AndTheResidentSeesTheView()
    {
        var disclosureId = await ShareAsync(_clipIds[0]);
        using var officer = await ClientForAsync(DemoAccounts.Officer);

        using var opened = await officer.GetAsync($"/clips/{_clipIds[0]}/content");
        using var seek = new HttpRequestMessage(HttpMethod.Get, $"/clips/{_clipIds[0]}/content") { Headers = { Range = new RangeHeaderValue(2000, null) } };
        using var seeked = await officer.SendAsync(seek);

        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal(HttpStatusCode.PartialContent, seeked.StatusCode);
        // Opening is logged once; seeking within the clip is not a new view.
        Assert.Equal([nameof(DisclosureCreated), nameof(ClipViewed)], await AccessActionsAsync(disclosureId));
        var history = await ServiceAsync<DisclosureService, IReadOnlyList<DisclosureRecord>>(s => s.ListOwnAsync(Resident));
        var access = Assert.Single(history.Single(d => d.Id == disclosureId).Accesses);
        Assert.Equal(("Officer Luis Reyes", false), (access.By, access.Downloaded));
    }

    [Fact]
    public async Task Revoke_EndsTheOfficersAccessAtOnce_WithTheSame404AsAMissingClip()
    {
        var disclosureId = await ShareAsync(_clipIds[0]);
        using var officer = await ClientForAsync(DemoAccounts.Officer);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync($"/clips/{_clipIds[0]}/content")).StatusCode);
        HttpRequestMessage Seek() => new(HttpMethod.Get, $"/clips/{_clipIds[0]}/content") { Headers = { Range = new RangeHeaderValue(2000, 4095) } };
        using (var seek = Seek())
        {
            Assert.Equal(HttpStatusCode.PartialContent, (await officer.SendAsync(seek)).StatusCode);
        }

        await ServiceAsync<DisclosureService, bool>(async s => { await s.RevokeAsync(Resident, disclosureId); return true; });

        // The player's next seek, which is never logged, is refused as well as a new opening.
        using (var seek = Seek())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await officer.SendAsync(seek)).StatusCode);
        }

        using var revoked = await officer.GetAsync($"/clips/{_clipIds[0]}/content");
        using var missing = await officer.GetAsync($"/clips/{Guid.NewGuid()}/content");
        Assert.Equal(HttpStatusCode.NotFound, revoked.StatusCode);
        Assert.Equal(Markup.WithoutPerRenderTokens(await missing.Content.ReadAsStringAsync()), Markup.WithoutPerRenderTokens(await revoked.Content.ReadAsStringAsync()));
        Assert.Equal(missing.Content.Headers.ContentType?.ToString(), revoked.Content.Headers.ContentType?.ToString());
        Assert.Equal(nameof(DisclosureRevoked), (await AccessActionsAsync(disclosureId)).Last());
        var again = await Assert.ThrowsAsync<ActionRefusedException>(() => ServiceAsync<DisclosureService, bool>(async s => { await s.RevokeAsync(Resident, disclosureId); return true; }));
        Assert.Equal("You already revoked this disclosure.", again.Message);
    }

    [Fact]
    public async Task Download_OnlyWhereTheResidentAllowedIt_AndEachDownloadIsLogged()
    {
        var viewOnly = await ShareAsync(_clipIds[0]);
        var downloadable = await ShareAsync(_clipIds[1], allowDownload: true);
        using var officer = await ClientForAsync(DemoAccounts.Officer);

        using var refused = await officer.GetAsync($"/clips/{_clipIds[0]}/content?download=true");
        using var allowed = await officer.GetAsync($"/clips/{_clipIds[1]}/content?download=true");

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("attachment", allowed.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal([nameof(DisclosureCreated)], await AccessActionsAsync(viewOnly));
        Assert.Equal([nameof(DisclosureCreated), nameof(ClipDownloaded)], await AccessActionsAsync(downloadable));
    }

    [Fact]
    public async Task ExpiredDisclosure_Returns404ToTheOfficer()
    {
        await ShareAsync(_clipIds[0]);
        using var officer = await ClientForAsync(DemoAccounts.Officer);

        _app.Time.Advance(TimeSpan.FromDays(30));

        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/clips/{_clipIds[0]}/content")).StatusCode);
    }

    [Fact]
    public async Task OfficerOfAnotherAgency_Gets404ForASharedClip()
    {
        await ShareAsync(_clipIds[0]);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await using var db = _app.CreateDbContext();
            var agency = new Agency { Name = "County Sheriff", Jurisdiction = "County", RequiresReview = false };
            db.Agencies.Add(agency);
            await db.SaveChangesAsync();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var deputy = new ApplicationUser { UserName = "deputy@county.example", Email = "deputy@county.example", EmailConfirmed = true, DisplayName = "Deputy", AgencyId = agency.Id };
            Assert.True((await users.CreateAsync(deputy, ConsentDashboard.Infrastructure.Seeding.DemoCity.Password)).Succeeded);
            await users.AddToRoleAsync(deputy, Roles.Officer);
        }

        using var deputyClient = await ClientForAsync("deputy@county.example");

        Assert.Equal(HttpStatusCode.NotFound, (await deputyClient.GetAsync($"/clips/{_clipIds[0]}/content")).StatusCode);
    }

    [Fact]
    public async Task Receipt_DownloadsForItsResidentOnly()
    {
        var disclosureId = await ShareAsync(_clipIds[0]);
        using var resident = await ClientForAsync(DemoAccounts.Resident);
        using var other = await ClientForAsync(DemoAccounts.OtherResident);

        using var response = await resident.GetAsync($"/disclosures/{disclosureId}/receipt");
        using var othersResponse = await other.GetAsync($"/disclosures/{disclosureId}/receipt");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        using var receipt = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = receipt.RootElement;
        foreach (var field in new[] { "version", "jurisdiction", "consentTimestamp", "collectionMethod", "consentReceiptID", "language", "piiPrincipalId", "piiControllers", "policyUrl", "services", "sensitive", "spiCat" })
        {
            Assert.True(root.TryGetProperty(field, out _), $"The receipt lacks {field}.");
        }

        var purpose = root.GetProperty("services")[0].GetProperty("purposes")[0];
        Assert.True(purpose.GetProperty("thirdPartyDisclosure").GetBoolean());
        Assert.Equal(DemoCityAgency, purpose.GetProperty("thirdPartyName").GetString());
        Assert.Equal(DemoAccounts.Resident, root.GetProperty("piiPrincipalId").GetString());
        await using var db = _app.CreateDbContext();
        var entry = await db.AuditEntries.SingleAsync(e => e.Subject == $"disclosure:{disclosureId}");
        Assert.Equal(entry.Sequence, root.GetProperty("auditSequence").GetInt64());
        Assert.Equal(entry.Hash, root.GetProperty("auditHash").GetString());
        Assert.Equal((await db.Clips.SingleAsync(c => c.Id == _clipIds[0])).Sha256, root.GetProperty("disclosure").GetProperty("clipSha256").GetString());
        Assert.Equal(HttpStatusCode.NotFound, othersResponse.StatusCode);
    }

    private const string DemoCityAgency = ConsentDashboard.Infrastructure.Seeding.DemoCity.AgencyName;
}
