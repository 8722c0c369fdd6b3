using ConsentDashboard.Data;
using ConsentDashboard.Features.LegalDemands;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Seeding;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Features.LegalDemands;

/// <summary>Every way a legal demand can be wrong is refused with its reason, and nothing is stored: no demand, no disclosure, no entry, no file.</summary>
public sealed class LegalDemandRefusalTests : IAsyncLifetime
{
    private readonly FakeTimeAppFactory _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private DateTime Now => _app.Time.GetUtcNow().UtcDateTime;

    private Task<LegalDemandInput> InputAsync(LegalBasis basis = LegalBasis.Warrant) =>
        Support.LegalDemands.InputForAsync(_app.Services, DemoAccounts.Resident, DemoCity.AgencyName, basis);

    [Fact]
    public async Task AClipOfAnotherCamera_IsRefused()
    {
        var input = await InputAsync();
        await using (var db = _app.CreateDbContext())
        {
            var camera = input.CameraIds.Single();
            var other = await db.Clips.Where(c => c.Camera!.Owner!.Email == DemoAccounts.Resident && c.CameraId != camera).Select(c => c.Id).FirstAsync();
            input.ClipIds = [other];
        }

        await AssertRefusedAsync(input, "Only clips of the chosen cameras that overlap the covered time range can be produced.");
    }

    [Fact]
    public async Task AClipOutsideTheCoveredRange_IsRefused()
    {
        var input = await InputAsync();
        await using (var db = _app.CreateDbContext())
        {
            var clip = await db.Clips.SingleAsync(c => c.Id == input.ClipIds[0]);
            input.CoveredFrom = clip.RecordedEnd.AddMinutes(1);
            input.CoveredTo = clip.RecordedEnd.AddHours(1);
        }

        await AssertRefusedAsync(input, "Only clips of the chosen cameras that overlap the covered time range can be produced.");
    }

    [Fact]
    public async Task ACameraOfAnotherResident_IsRefused()
    {
        var input = await InputAsync();
        await using (var db = _app.CreateDbContext())
        {
            input.CameraIds.Add(await db.Cameras.Where(c => c.Owner!.Email == DemoAccounts.OtherResident).Select(c => c.Id).FirstAsync());
        }

        await AssertRefusedAsync(input, "Choose only cameras of this resident.");
    }

    [Fact]
    public async Task ADelayPastTheMaximum_IsRefused_AndAnEmergencyHasAShorterOne()
    {
        var input = await InputAsync();
        input.DelayNotice = true;
        input.NoticeDelayReason = "An ongoing investigation would be compromised.";
        input.NoticeAt = Now.AddDays(90).AddHours(1);
        await AssertRefusedAsync(input, "A notice can be delayed by at most 90 days.");

        var emergency = await InputAsync(LegalBasis.Emergency);
        emergency.DelayNotice = true;
        emergency.NoticeDelayReason = "An ongoing investigation would be compromised.";
        emergency.NoticeAt = Now.AddDays(8);
        await AssertRefusedAsync(emergency, "An emergency demand's notice can be delayed by at most 7 days.");

        // Exactly at the limits both are accepted.
        emergency.NoticeAt = Now.AddDays(7);
        await Support.LegalDemands.RecordAsync(_app.Services, emergency);
        input.NoticeAt = Now.AddDays(90);
        await Support.LegalDemands.RecordAsync(_app.Services, input);
    }

    [Fact]
    public async Task ADelayWithoutAReason_IsRefused()
    {
        var input = await InputAsync();
        input.DelayNotice = true;
        input.NoticeAt = Now.AddDays(10);
        input.NoticeDelayReason = " ";
        await AssertRefusedAsync(input, "A delayed notice needs a reason of at least 10 characters.");
    }

    [Fact]
    public async Task AMissingDocument_IsRefused()
    {
        var input = await InputAsync();
        await AssertRefusedAsync(input, "Attach the document itself, as a PDF.", document: []);
    }

    [Fact]
    public async Task ADocumentThatIsNotAPdf_IsRefused_WhateverItIsCalled()
    {
        var input = await InputAsync();
        var video = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "DemoMedia", "porch-testpattern.webm"));
        await AssertRefusedAsync(input, "This file is not a PDF document.", document: video);
    }

    [Fact]
    public async Task ConsentIsNotALegalBasis_ForADemand()
    {
        var input = await InputAsync(LegalBasis.Consent);
        await AssertRefusedAsync(input, "A legal demand is not consent");
    }

    [Fact]
    public async Task OnlyAnAdmin_RecordsADemand()
    {
        var input = await InputAsync();
        await using var scope = _app.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<LegalDemandService>();
        foreach (var role in new[] { Roles.Officer, Roles.Auditor, Roles.Reviewer, Roles.Resident })
        {
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
                service.RecordAsync(Principals.For("someone", role), input, new MemoryStream(Support.LegalDemands.Pdf())));
        }

        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task AnEmergencyWithoutACourtOrderIn48Hours_IsFlaggedToAuditors_AndALateOneStaysFlagged()
    {
        var input = await InputAsync(LegalBasis.Emergency);
        var id = await Support.LegalDemands.RecordAsync(_app.Services, input);
        Assert.Equal(FollowUpState.Awaiting, (await RowAsync(id)).FollowUp);

        _app.Time.Advance(TimeSpan.FromHours(48) + TimeSpan.FromMinutes(1));
        Assert.Equal(FollowUpState.Overdue, (await RowAsync(id)).FollowUp);

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<LegalDemandService>();
            var admin = await AdminAsync();
            await service.AttachFollowUpAsync(admin, id, "Larkspur County Circuit Court, CO-2026-118");
            var twice = await Assert.ThrowsAsync<ActionRefusedException>(() => service.AttachFollowUpAsync(admin, id, "Another order"));
            Assert.Contains("already attached", twice.Message);
        }

        var row = await RowAsync(id);
        Assert.Equal(FollowUpState.AttachedLate, row.FollowUp);
        await using var db = _app.CreateDbContext();
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == nameof(LegalDemandFollowUpAttached));
        Assert.Contains("\"withinDeadline\":false", entry.Details);
    }

    [Fact]
    public async Task AWarrant_TakesNoFollowUp()
    {
        var id = await Support.LegalDemands.RecordAsync(_app.Services, await InputAsync());
        var admin = await AdminAsync();
        await using var scope = _app.Services.CreateAsyncScope();
        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() =>
            scope.ServiceProvider.GetRequiredService<LegalDemandService>().AttachFollowUpAsync(admin, id, "CO-1"));
        Assert.Contains("Only an emergency demand", refused.Message);
    }

    private async Task<LegalDemandRow> RowAsync(Guid id)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        await using var db = _app.CreateDbContext();
        var auditorId = await db.Users.Where(u => u.Email == DemoAccounts.Auditor).Select(u => u.Id).SingleAsync();
        var rows = await scope.ServiceProvider.GetRequiredService<LegalDemandService>().ListAsync(Principals.For(auditorId, Roles.Auditor));
        return rows.Single(r => r.Id == id);
    }

    private async Task<System.Security.Claims.ClaimsPrincipal> AdminAsync()
    {
        await using var db = _app.CreateDbContext();
        return Principals.For(await db.Users.Where(u => u.Email == DemoAccounts.Admin).Select(u => u.Id).SingleAsync(), Roles.Admin);
    }

    private async Task AssertRefusedAsync(LegalDemandInput input, string reason, byte[]? document = null)
    {
        long entriesBefore;
        await using (var db = _app.CreateDbContext())
        {
            entriesBefore = await db.AuditEntries.CountAsync();
        }

        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => Support.LegalDemands.RecordAsync(_app.Services, input, document));
        Assert.Contains(reason, refused.Message);
        await AssertNothingStoredAsync(entriesBefore);
    }

    private async Task AssertNothingStoredAsync(long? entriesBefore = null)
    {
        await using var db = _app.CreateDbContext();
        Assert.False(await db.LegalDemands.AnyAsync(), "A refused demand was stored.");
        Assert.False(await db.Disclosures.AnyAsync(d => d.LegalDemandId != null || d.LegalBasis != LegalBasis.Consent), "A refused demand disclosed a clip.");
        if (entriesBefore is { } count)
        {
            Assert.Equal(count, await db.AuditEntries.CountAsync());
        }

        var documents = Path.Combine(_app.DataFolder, "legal-documents");
        Assert.True(!Directory.Exists(documents) || Directory.GetFiles(documents, "*.pdf", SearchOption.AllDirectories).Length == 0,
            "A refused demand left its document on disk.");
    }
}
