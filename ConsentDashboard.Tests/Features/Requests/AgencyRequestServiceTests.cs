using System.Text.Json;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Requests;

public sealed class AgencyRequestServiceTests : IAsyncLifetime
{
    private ResidentScenario _scenario = null!;
    private AgencyRequestService _requests = null!;

    public async ValueTask InitializeAsync()
    {
        _scenario = await ResidentScenario.CreateAsync();
        _requests = _scenario.AgencyRequestService();
    }

    public ValueTask DisposeAsync()
    {
        _scenario.Dispose();
        return ValueTask.CompletedTask;
    }

    private DateTime Now => _scenario.Time.GetUtcNow().UtcDateTime;

    private FootageRequestInput Input(string caseNumber = "HC-200") => new()
    {
        CaseNumber = caseNumber, IncidentType = IncidentType.VehicleTheft, Description = "Van taken from a driveway.", OfficerContact = "Officer Vale",
        CenterLatitude = ResidentScenario.Latitude, CenterLongitude = ResidentScenario.Longitude, RadiusMeters = 400,
        WindowStart = Now.AddHours(-6), WindowEnd = Now.AddHours(-5), ExpiresInDays = 7,
    };

    [Fact]
    public async Task File_NotifiesEveryResidentInRangeInOneTransaction_AndOnlyTheLogKnowsHowMany()
    {
        var woken = new TaskCompletionSource();
        using var subscription = _scenario.Notifier.Subscribe(_scenario.ResidentA.Id, () => { woken.TrySetResult(); return Task.CompletedTask; });

        var id = await _requests.FileAsync(_scenario.OfficerUser, Input());

        await woken.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await using var db = _scenario.Database.CreateDbContext();
        var request = await db.FootageRequests.SingleAsync(r => r.Id == id);
        Assert.Equal((RequestStatus.Open, Now.AddDays(7), _scenario.Agency.Id), (request.Status, request.ExpiresAt, request.AgencyId));
        Assert.Equal(new[] { _scenario.ResidentA.Id, _scenario.ResidentB.Id }.Order(), (await db.RequestNotices.Where(n => n.RequestId == id).Select(n => n.ResidentId).ToListAsync()).Order());
        var entry = await db.AuditEntries.SingleAsync(e => e.Subject == $"request:{id}");
        Assert.Equal(nameof(RequestCreated), entry.Action);
        Assert.Equal(2, JsonDocument.Parse(entry.Details).RootElement.GetProperty("notified").GetInt32());
    }

    [Fact]
    public async Task File_CalledDirectlyWithInputTheFormWouldRefuse_IsRefusedAndSavesNothing()
    {
        var input = Input();
        input.WindowEnd = Now.AddHours(1);
        input.RadiusMeters = 5000;

        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => _requests.FileAsync(_scenario.OfficerUser, input));

        Assert.Contains("entirely in the past", refused.Message);
        Assert.Contains("square miles", refused.Message);
        await using var db = _scenario.Database.CreateDbContext();
        Assert.Equal(1, await db.FootageRequests.CountAsync());
        Assert.Equal(2, await db.RequestNotices.CountAsync());
        Assert.Equal(0, await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task File_ThirdRequestForACase_IsRefusedEvenWhenFiledConcurrently()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            try
            {
                await _requests.FileAsync(_scenario.OfficerUser, Input("HC-300"));
                return true;
            }
            catch (ActionRefusedException)
            {
                return false;
            }
        })));

        Assert.Equal(2, attempts.Count(filed => filed));
        await using var db = _scenario.Database.CreateDbContext();
        Assert.Equal(2, await db.FootageRequests.CountAsync(r => r.CaseNumber == "HC-300"));
    }

    [Fact]
    public async Task File_ByAnyoneButAnOfficer_IsRefused()
    {
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _requests.FileAsync(_scenario.UserA, Input()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _requests.ListForAgencyAsync(Principals.For(_scenario.ResidentA.Id, Roles.Auditor)));
    }

    [Fact]
    public async Task Withdraw_ClosesPendingNotices_KeepsAnswersGiven_AndIsLogged()
    {
        await _scenario.NoticeService().ShareAsync(_scenario.UserA, new ShareInput { NoticeId = _scenario.NoticeA.Id, ClipIds = [_scenario.ClipA1.Id] });

        await _requests.WithdrawAsync(_scenario.OfficerUser, _scenario.Request.Id);

        await using var db = _scenario.Database.CreateDbContext();
        Assert.Equal(RequestStatus.Withdrawn, (await db.FootageRequests.SingleAsync()).Status);
        Assert.Equal(NoticeStatus.Shared, (await db.RequestNotices.SingleAsync(n => n.Id == _scenario.NoticeA.Id)).Status);
        Assert.Equal(NoticeStatus.Withdrawn, (await db.RequestNotices.SingleAsync(n => n.Id == _scenario.NoticeB.Id)).Status);
        Assert.Equal(nameof(RequestWithdrawn), (await db.AuditEntries.OrderBy(e => e.Sequence).LastAsync()).Action);
        var again = await Assert.ThrowsAsync<ActionRefusedException>(() => _requests.WithdrawAsync(_scenario.OfficerUser, _scenario.Request.Id));
        Assert.Equal("This request is already withdrawn.", again.Message);
        var share = await Assert.ThrowsAsync<ActionRefusedException>(() => _scenario.NoticeService().ShareAsync(_scenario.UserB, new ShareInput { NoticeId = _scenario.NoticeB.Id, ClipIds = [_scenario.ClipB.Id] }));
        Assert.Equal("The agency withdrew this request.", share.Message);
    }

    [Fact]
    public async Task OfficerOfAnotherAgency_SeesNothingAndCannotWithdraw()
    {
        string deputyId;
        await using (var db = _scenario.Database.CreateDbContext())
        {
            var county = new Agency { Name = "County Sheriff", Jurisdiction = "County", RequiresReview = false };
            db.Agencies.Add(county);
            await db.SaveChangesAsync();
            var deputy = new ApplicationUser { UserName = "deputy@county.example", Email = "deputy@county.example", DisplayName = "Deputy", AgencyId = county.Id };
            db.Users.Add(deputy);
            await db.SaveChangesAsync();
            deputyId = deputy.Id;
        }

        var deputyUser = Principals.For(deputyId, Roles.Officer);

        Assert.Empty(await _requests.ListForAgencyAsync(deputyUser));
        Assert.Null(await _requests.GetAsync(deputyUser, _scenario.Request.Id));
        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => _requests.WithdrawAsync(deputyUser, _scenario.Request.Id));
        Assert.Equal(AgencyRequestService.NotFound, refused.Message);
    }

    [Fact]
    public async Task Get_LabelsResidentsAsNumberedNeighbours_UnlessTheyRevealedFields_AndShowsOnlyLiveAccess()
    {
        var notices = _scenario.NoticeService();
        await notices.ShareAsync(_scenario.UserA, new ShareInput { NoticeId = _scenario.NoticeA.Id, ClipIds = [_scenario.ClipA1.Id, _scenario.ClipA2.Id] });
        _scenario.Time.Advance(TimeSpan.FromMinutes(1));
        await notices.ShareAsync(_scenario.UserB, new ShareInput
        {
            NoticeId = _scenario.NoticeB.Id, ClipIds = [_scenario.ClipB.Id], RevealedContactFields = ContactFields.Name | ContactFields.Phone, AccessDays = 7,
        });

        var detail = await _requests.GetAsync(_scenario.OfficerUser, _scenario.Request.Id);

        Assert.Equal(["Neighbor 1", "Neighbor 1", "Resident B · +1 555 0100"], detail!.Clips.Select(c => c.ResidentLabel));
        Assert.DoesNotContain(detail.Clips, c => c.ResidentLabel.Contains("Resident A") || c.ResidentLabel.Contains("a@residents"));
        Assert.Equal(3, (await _requests.ListForAgencyAsync(_scenario.OfficerUser)).Single().ClipsReceived);

        var disclosureA1 = await DisclosureIdAsync(_scenario.ClipA1.Id);
        await _scenario.DisclosureService().RevokeAsync(_scenario.UserA, disclosureA1);
        _scenario.Time.Advance(TimeSpan.FromDays(8));

        var later = await _requests.GetAsync(_scenario.OfficerUser, _scenario.Request.Id);
        Assert.Equal([_scenario.ClipA2.Id], later!.Clips.Select(c => c.ClipId));
        Assert.Equal("Neighbor 1", later.Clips.Single().ResidentLabel);
    }

    private async Task<Guid> DisclosureIdAsync(Guid clipId)
    {
        await using var db = _scenario.Database.CreateDbContext();
        return await db.Disclosures.Where(d => d.ClipId == clipId).Select(d => d.Id).SingleAsync();
    }
}
