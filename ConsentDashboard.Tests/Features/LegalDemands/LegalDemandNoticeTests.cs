using System.Net;
using System.Text.Json;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Disclosures;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Features.LegalDemands;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Seeding;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Features.LegalDemands;

/// <summary>
/// Invariant 8 end to end: a warrant with a delayed notice changes nothing any resident route shows, while the agency's
/// officers stream the produced clip and auditors see the entries; on the notice date the sweep tells the resident everything.
/// </summary>
public sealed class LegalDemandNoticeTests : IAsyncLifetime
{
    private readonly FakeTimeAppFactory _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ADelayedWarrant_ChangesNoResidentRoute_UntilItsNoticeDate_ThenTheSweepTellsTheResidentEverything()
    {
        // The resident has shared a clip before, so their receipts and disclosures page are not empty.
        await ShareOneClipAsync(DemoAccounts.Resident);
        var before = await ResidentView.CaptureAsync(_app, DemoAccounts.Resident);

        var input = await Support.LegalDemands.InputForAsync(_app.Services, DemoAccounts.Resident, DemoCity.AgencyName);
        input.DelayNotice = true;
        input.NoticeAt = _app.Time.GetUtcNow().UtcDateTime.AddDays(30);
        input.NoticeDelayReason = "Telling the resident now would alert the suspect, who lives with them.";
        var demandId = await Support.LegalDemands.RecordAsync(_app.Services, input);

        // Every resident route reads exactly as before, byte for byte after normalising ids and times.
        var during = await ResidentView.CaptureAsync(_app, DemoAccounts.Resident);
        Assert.Equal(before.Keys, during.Keys);
        foreach (var key in before.Keys)
        {
            Assert.True(before[key] == during[key], $"{key} changed while the notice waits.");
        }

        await using (var db = _app.CreateDbContext())
        {
            var compelled = await db.Disclosures.SingleAsync(d => d.LegalDemandId == demandId);
            Assert.False(await db.OutboxMessages.AnyAsync(m => m.Kind == LegalDemandNotices.MailKind), "No e-mail before the notice date.");

            // The resident's own receipt of it is "not found", exactly like an id that does not exist.
            using var resident = _app.CreateBrowserlessClient();
            await SignIn.AsAsync(resident, DemoAccounts.Resident);
            Assert.Equal(HttpStatusCode.NotFound, (await resident.GetAsync($"/disclosures/{compelled.Id}/receipt")).StatusCode);

            // The agency's officer streams it like a consented clip, and the view is logged with its basis.
            using var officer = _app.CreateBrowserlessClient();
            await SignIn.AsAsync(officer, DemoAccounts.Officer);
            using var stream = await officer.GetAsync($"/clips/{compelled.ClipId}/content");
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/clips/{compelled.ClipId}/content?download=true")).StatusCode);
            var agencyPage = await officer.GetStringAsync("/agency/requests");
            Assert.Contains(input.Reference, agencyPage);

            // Auditors see every entry: the demand, the compelled disclosure with its basis, and the view.
            var entries = await db.AuditEntries.AsNoTracking().Where(e => e.CaseNumber == input.Reference).ToListAsync();
            Assert.Contains(entries, e => e.Action == nameof(LegalDemandRecorded) && e.LegalBasis == nameof(LegalBasis.Warrant));
            var created = Assert.Single(entries, e => e.Action == nameof(DisclosureCreated));
            Assert.Equal(nameof(LegalBasis.Warrant), created.LegalBasis);
            Assert.Equal(demandId, JsonDocument.Parse(created.Details).RootElement.GetProperty("legalDemandId").GetGuid());
            Assert.Contains(entries, e => e.Action == nameof(ClipViewed) && e.LegalBasis == nameof(LegalBasis.Warrant));
            Assert.DoesNotContain(entries, e => e.Action == nameof(LegalDemandNoticeDelivered));
        }

        // A day before the notice date the sweep leaves it; on the date it delivers it (the app's own minute sweep may
        // already have, as the clock moved), and only once.
        _app.Time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, await SweepAsync());
        _app.Time.Advance(TimeSpan.FromDays(1));
        await SweepAsync();
        Assert.Equal(0, await SweepAsync());

        await using (var db = _app.CreateDbContext())
        {
            var delivered = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == nameof(LegalDemandNoticeDelivered));
            Assert.Equal(AuditActors.System, delivered.Actor);
            Assert.True(JsonDocument.Parse(delivered.Details).RootElement.GetProperty("delayed").GetBoolean());
            var mail = await db.OutboxMessages.SingleAsync(m => m.Kind == LegalDemandNotices.MailKind);
            Assert.Equal(DemoAccounts.Resident, mail.To);
            Assert.Contains(input.Reference, mail.TextBody);
            Assert.Contains("Larkspur Bay Police Department", mail.Subject);
            Assert.Contains("Telling the resident now would alert the suspect", mail.TextBody);
        }

        // Now the resident's inbox names it, the disclosure is marked compelled without a revoke button, and its receipt names the warrant.
        var after = await ResidentView.CaptureAsync(_app, DemoAccounts.Resident);
        Assert.Contains("Legal demand from Larkspur Bay Police Department", after["/inbox"]);
        Assert.Contains(input.Reference, after["/inbox"]);
        Assert.Contains("Larkspur County Circuit Court", after["/inbox"]);
        Assert.Contains("data-testid=\"compelled\"", after["/disclosures"]);
        Assert.Contains(input.Reference, after["/Account/Manage/DownloadPersonalData"]);

        await using (var db = _app.CreateDbContext())
        {
            var compelled = await db.Disclosures.SingleAsync(d => d.LegalDemandId == demandId);
            using var resident = _app.CreateBrowserlessClient();
            await SignIn.AsAsync(resident, DemoAccounts.Resident);
            var page = await resident.GetStringAsync("/disclosures");
            var card = CardOf(page, compelled.Id);
            Assert.Contains("You cannot revoke it", card);
            Assert.Contains(input.Reference, card);
            Assert.DoesNotContain("revoke-button", card);

            var receiptJson = await resident.GetStringAsync($"/disclosures/{compelled.Id}/receipt");
            var key = await resident.GetStringAsync("/log/public-key.pem");
            var verification = ReceiptVerifier.Verify(receiptJson, key);
            Assert.True(verification.IsValid, verification.Unreadable ?? string.Join("; ", verification.Checks.Where(c => !c.Passed)));
            var receipt = JsonDocument.Parse(receiptJson).RootElement;
            Assert.Equal("Warrant", receipt.GetProperty("disclosure").GetProperty("legalBasis").GetString());
            Assert.Equal(input.Reference, receipt.GetProperty("disclosure").GetProperty("caseNumber").GetString());
            Assert.StartsWith("Produced without the resident's consent under a warrant (Larkspur County Circuit Court", receipt.GetProperty("collectionMethod").GetString());
            Assert.Equal("WARRANT", receipt.GetProperty("services")[0].GetProperty("purposes")[0].GetProperty("consentType").GetString());

            var revoke = await Assert.ThrowsAsync<ActionRefusedException>(() =>
                _app.Services.GetRequiredService<IServiceScopeFactory>().CreateScope().ServiceProvider.GetRequiredService<DisclosureService>()
                    .RevokeAsync(Principals.For(compelled.ResidentId, Roles.Resident), compelled.Id));
            Assert.Contains("you cannot revoke it", revoke.Message);
            Assert.Null((await db.Disclosures.AsNoTracking().SingleAsync(d => d.Id == compelled.Id)).RevokedAt);
        }
    }

    private async Task<int> SweepAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LegalDemandNotices>().SweepAsync();
    }

    private async Task ShareOneClipAsync(string residentEmail)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        await using var db = _app.CreateDbContext();
        var residentId = await db.Users.Where(u => u.Email == residentEmail).Select(u => u.Id).SingleAsync();
        var notices = scope.ServiceProvider.GetRequiredService<NoticeService>();
        var resident = Principals.For(residentId, Roles.Resident);
        foreach (var noticeId in await db.RequestNotices.Where(n => n.ResidentId == residentId).Select(n => n.Id).ToListAsync())
        {
            if ((await notices.GetAsync(resident, noticeId))?.Clips is [var clip, ..])
            {
                await notices.ShareAsync(resident, new ShareInput { NoticeId = noticeId, ClipIds = [clip.Id] });
                return;
            }
        }

        Assert.Fail("The demo resident should have a clip to share.");
    }

    /// <summary>The markup of one disclosure's card on the disclosures page.</summary>
    private static string CardOf(string page, Guid disclosureId)
    {
        var start = page.IndexOf($"data-testid=\"disclosure-{disclosureId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "The compelled disclosure has no card.");
        var next = System.Text.RegularExpressions.Regex.Match(page[(start + 20)..], "data-testid=\"disclosure-[0-9a-f]{8}-");
        return next.Success ? page.Substring(start, 20 + next.Index) : page[start..];
    }
}
