using ConsentDashboard.Data;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Inbox;

public sealed class NoticeServiceTests : IAsyncLifetime
{
    private ResidentScenario _scenario = null!;
    private NoticeService _notices = null!;

    public async ValueTask InitializeAsync()
    {
        _scenario = await ResidentScenario.CreateAsync();
        _notices = _scenario.NoticeService();
    }

    public ValueTask DisposeAsync()
    {
        _scenario.Dispose();
        return ValueTask.CompletedTask;
    }

    private ShareInput ShareOf(params Clip[] clips) => new() { NoticeId = _scenario.NoticeA.Id, ClipIds = [.. clips.Select(c => c.Id)] };

    private async Task<(int Disclosures, int Entries, NoticeStatus A, NoticeStatus B)> StateAsync()
    {
        await using var db = _scenario.Database.CreateDbContext();
        return (await db.Disclosures.CountAsync(), await db.AuditEntries.CountAsync(),
            (await db.RequestNotices.SingleAsync(n => n.Id == _scenario.NoticeA.Id)).Status,
            (await db.RequestNotices.SingleAsync(n => n.Id == _scenario.NoticeB.Id)).Status);
    }

    [Fact]
    public async Task Get_ShowsOnlyTheResidentsOwnClipsInTheAreaAndWindow()
    {
        var detail = await _notices.GetAsync(_scenario.UserA, _scenario.NoticeA.Id);

        Assert.NotNull(detail);
        Assert.Equal([_scenario.ClipA1.Id, _scenario.ClipA2.Id], detail.Clips.Select(c => c.Id));
        Assert.Equal(["Cabin", "Porch"], detail.Cameras.Select(c => c.Label));
        Assert.Equal([false, true], detail.Cameras.Select(c => c.InRange));
    }

    [Fact]
    public async Task Share_WritesExactlyTheChosenDisclosuresWithOneAuditEntryEach()
    {
        var input = ShareOf(_scenario.ClipA2);
        input.AccessDays = 7;
        input.AllowDownload = true;
        input.RevealedContactFields = ContactFields.Phone;

        var result = await _notices.ShareAsync(_scenario.UserA, input);

        Assert.Equal(1, result.Disclosed);
        await using var db = _scenario.Database.CreateDbContext();
        var disclosure = await db.Disclosures.SingleAsync();
        Assert.Equal((_scenario.ClipA2.Id, _scenario.ClipA2.Sha256, _scenario.Agency.Id, (Guid?)_scenario.Request.Id), (disclosure.ClipId, disclosure.ClipSha256, disclosure.AgencyId, disclosure.RequestId));
        Assert.Equal((LegalBasis.Consent, ContactFields.Phone, true), (disclosure.LegalBasis, disclosure.RevealedContactFields, disclosure.AllowDownload));
        Assert.Equal(_scenario.Time.GetUtcNow().UtcDateTime.AddDays(7), disclosure.AccessExpiresAt);
        var entry = await db.AuditEntries.SingleAsync();
        Assert.Equal((nameof(DisclosureCreated), $"disclosure:{disclosure.Id}", $"user:{_scenario.ResidentA.Id}"), (entry.Action, entry.Subject, entry.Actor));
        Assert.Contains(_scenario.ClipA2.Sha256, entry.Details);
        Assert.Equal(NoticeStatus.Shared, (await db.RequestNotices.SingleAsync(n => n.Id == _scenario.NoticeA.Id)).Status);
        Assert.True((await AuditChainVerifier.VerifyAsync(db)).IsValid);
    }

    [Fact]
    public async Task Share_FailingHalfway_LeavesNeitherDisclosuresNorEntries()
    {
        await using (var db = _scenario.Database.CreateDbContext())
        {
            // The second entry of the share cannot be written: the first disclosure and entry are already in the transaction.
            await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql()
                ? """
                    CREATE FUNCTION fail_second_entry() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN IF NEW."Sequence" = 2 THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$;
                    CREATE TRIGGER fail_second_entry BEFORE INSERT ON "AuditEntries" FOR EACH ROW EXECUTE FUNCTION fail_second_entry();
                    """
                : "CREATE TRIGGER fail_second_entry BEFORE INSERT ON AuditEntries WHEN NEW.Sequence = 2 BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
        }

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => _notices.ShareAsync(_scenario.UserA, ShareOf(_scenario.ClipA1, _scenario.ClipA2)));

        Assert.Equal((0, 0, NoticeStatus.Pending, NoticeStatus.Pending), await StateAsync());
    }

    [Fact]
    public async Task Share_ConcurrentDuplicatesFromTwoServers_DiscloseEachClipOnce()
    {
        // Two app instances (two audit logs, two services) and many tabs sharing the same clip at once.
        var second = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<NoticeService>(_scenario.Database.Services, new AuditLog(_scenario.Database, _scenario.Time));
        var attempts = Enumerable.Range(0, 12)
            .Select(i => Task.Run(() => (i % 2 == 0 ? _notices : second).ShareAsync(_scenario.UserA, ShareOf(_scenario.ClipA1))))
            .ToList();
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Sum(r => r.Disclosed));
        var state = await StateAsync();
        Assert.Equal((1, 1), (state.Disclosures, state.Entries));
    }

    [Fact]
    public async Task Share_Retried_DisclosesNothingNew()
    {
        await _notices.ShareAsync(_scenario.UserA, ShareOf(_scenario.ClipA1));

        var retry = await _notices.ShareAsync(_scenario.UserA, ShareOf(_scenario.ClipA1, _scenario.ClipA2));

        Assert.Equal((1, 1), (retry.Disclosed, retry.AlreadyShared));
        Assert.Equal((2, 2), ((await StateAsync()).Disclosures, (await StateAsync()).Entries));
    }

    public static TheoryData<string> CrossResidentAttempts =>
    [
        "another resident's notice",
        "another resident's clip",
        "a clip outside the window",
        "a clip from a camera outside the area",
        "a clip that does not exist",
    ];

    [Theory]
    [MemberData(nameof(CrossResidentAttempts))]
    public async Task Share_WithAnythingNotTheResidents_IsRefusedAndChangesNothing(string attempt)
    {
        var (user, input) = attempt switch
        {
            "another resident's notice" => (_scenario.UserB, ShareOf(_scenario.ClipB)),
            "another resident's clip" => (_scenario.UserA, ShareOf(_scenario.ClipB)),
            "a clip outside the window" => (_scenario.UserA, ShareOf(_scenario.ClipA1, _scenario.ClipAOutsideWindow)),
            "a clip from a camera outside the area" => (_scenario.UserA, ShareOf(_scenario.ClipAFarCamera)),
            _ => (_scenario.UserA, new ShareInput { NoticeId = _scenario.NoticeA.Id, ClipIds = [Guid.NewGuid()] }),
        };

        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => _notices.ShareAsync(user, input));

        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
        Assert.Equal((0, 0, NoticeStatus.Pending, NoticeStatus.Pending), await StateAsync());
    }

    [Fact]
    public async Task AnotherResident_CannotSeeDeclineOrIgnoreANotice()
    {
        Assert.Null(await _notices.GetAsync(_scenario.UserB, _scenario.NoticeA.Id));
        var decline = await Assert.ThrowsAsync<ActionRefusedException>(() =>
            _notices.DeclineAsync(_scenario.UserB, new DeclineInput { NoticeId = _scenario.NoticeA.Id, BlockAgency = true }));
        var ignore = await Assert.ThrowsAsync<ActionRefusedException>(() => _notices.IgnoreAsync(_scenario.UserB, _scenario.NoticeA.Id));

        Assert.Equal(NoticeService.NotInInbox, decline.Message);
        Assert.Equal(NoticeService.NotInInbox, ignore.Message);
        Assert.Equal((0, 0, NoticeStatus.Pending, NoticeStatus.Pending), await StateAsync());
        await using var db = _scenario.Database.CreateDbContext();
        Assert.Empty(await db.AgencyBlocks.ToListAsync());
    }

    [Fact]
    public async Task Share_WithNoClipsOrAnUnofferedAccessPeriod_IsRefusedWithTheRule()
    {
        var empty = await Assert.ThrowsAsync<ActionRefusedException>(() => _notices.ShareAsync(_scenario.UserA, ShareOf()));
        var input = ShareOf(_scenario.ClipA1);
        input.AccessDays = 365;
        var tooLong = await Assert.ThrowsAsync<ActionRefusedException>(() => _notices.ShareAsync(_scenario.UserA, input));

        Assert.Equal("Choose at least one clip to share.", empty.Message);
        Assert.Equal("Access lasts 7, 30 or 90 days.", tooLong.Message);
        Assert.Equal((0, 0, NoticeStatus.Pending, NoticeStatus.Pending), await StateAsync());
    }

    [Fact]
    public async Task Decline_ClosesTheNotice_BlocksTheAgency_AndLeavesNoTraceInTheLog()
    {
        await _notices.DeclineAsync(_scenario.UserA, new DeclineInput { NoticeId = _scenario.NoticeA.Id, BlockAgency = true });

        Assert.Equal((0, 0, NoticeStatus.Declined, NoticeStatus.Pending), await StateAsync());
        await using var db = _scenario.Database.CreateDbContext();
        Assert.Equal(_scenario.Agency.Id, (await db.AgencyBlocks.SingleAsync(b => b.ResidentId == _scenario.ResidentA.Id)).AgencyId);
        // The next request from the same agency over the same cameras does not reach the resident who blocked it.
        var reached = await NoticeFanOut.FindResidentsAsync(db, _scenario.Agency.Id, ResidentScenario.Latitude, ResidentScenario.Longitude, 300);
        Assert.Equal([_scenario.ResidentB.Id], reached);
    }

    [Fact]
    public async Task Ignore_ClosesTheNotice_AndASecondAnswerIsRefused()
    {
        await _notices.IgnoreAsync(_scenario.UserA, _scenario.NoticeA.Id);

        var again = await Assert.ThrowsAsync<ActionRefusedException>(() =>
            _notices.DeclineAsync(_scenario.UserA, new DeclineInput { NoticeId = _scenario.NoticeA.Id }));
        var share = await Assert.ThrowsAsync<ActionRefusedException>(() => _notices.ShareAsync(_scenario.UserA, ShareOf(_scenario.ClipA1)));

        Assert.Contains("already answered", again.Message);
        Assert.Contains("already answered", share.Message);
        Assert.Equal((0, 0, NoticeStatus.Ignored, NoticeStatus.Pending), await StateAsync());
    }

    [Fact]
    public async Task UndoingADeclineWithinItsWindow_MakesTheNoticePendingAgain_AndLiftsTheBlockItAdded()
    {
        await _notices.DeclineAsync(_scenario.UserA, new DeclineInput { NoticeId = _scenario.NoticeA.Id, BlockAgency = true });
        _scenario.Time.Advance(NoticeService.UndoWindow - TimeSpan.FromSeconds(1));

        await _notices.UndoAnswerAsync(_scenario.UserA, _scenario.NoticeA.Id);

        Assert.Equal((0, 0, NoticeStatus.Pending, NoticeStatus.Pending), await StateAsync());
        await using var db = _scenario.Database.CreateDbContext();
        Assert.False(await db.AgencyBlocks.AnyAsync(b => b.ResidentId == _scenario.ResidentA.Id), "Undo left the agency blocked.");
        Assert.Null((await db.RequestNotices.SingleAsync(n => n.Id == _scenario.NoticeA.Id)).AnsweredAt);
        // Pending again means answerable again.
        await _notices.ShareAsync(_scenario.UserA, ShareOf(_scenario.ClipA1));
        Assert.Equal(NoticeStatus.Shared, (await StateAsync()).A);
    }

    [Fact]
    public async Task UndoingAfterTheWindow_ADeclineOfAnotherResident_OrAShare_IsRefusedAndChangesNothing()
    {
        await _notices.IgnoreAsync(_scenario.UserA, _scenario.NoticeA.Id);
        var otherResident = await Assert.ThrowsAsync<ActionRefusedException>(() => _notices.UndoAnswerAsync(_scenario.UserB, _scenario.NoticeA.Id));
        _scenario.Time.Advance(NoticeService.UndoWindow + TimeSpan.FromSeconds(1));
        var late = await Assert.ThrowsAsync<ActionRefusedException>(() => _notices.UndoAnswerAsync(_scenario.UserA, _scenario.NoticeA.Id));
        await _notices.ShareAsync(_scenario.UserB, new ShareInput { NoticeId = _scenario.NoticeB.Id, ClipIds = [_scenario.ClipB.Id] });
        var share = await Assert.ThrowsAsync<ActionRefusedException>(() => _notices.UndoAnswerAsync(_scenario.UserB, _scenario.NoticeB.Id));

        Assert.Equal(NoticeService.NotInInbox, otherResident.Message);
        Assert.Equal("Undo is possible for 15 seconds after answering; your answer stands.", late.Message);
        Assert.Equal("Only a decline or a dismissal can be undone.", share.Message);
        Assert.Equal((1, 1, NoticeStatus.Ignored, NoticeStatus.Shared), await StateAsync());
    }

    [Fact]
    public async Task UndoingADecline_KeepsABlockTheResidentHadAlready()
    {
        await using (var db = _scenario.Database.CreateDbContext())
        {
            db.AgencyBlocks.Add(new AgencyBlock { ResidentId = _scenario.ResidentA.Id, AgencyId = _scenario.Agency.Id, CreatedAt = _scenario.Time.GetUtcNow().UtcDateTime.AddDays(-1) });
            await db.SaveChangesAsync();
        }

        await _notices.DeclineAsync(_scenario.UserA, new DeclineInput { NoticeId = _scenario.NoticeA.Id, BlockAgency = true });
        await _notices.UndoAnswerAsync(_scenario.UserA, _scenario.NoticeA.Id);

        await using var after = _scenario.Database.CreateDbContext();
        Assert.Equal(1, await after.AgencyBlocks.CountAsync(b => b.ResidentId == _scenario.ResidentA.Id));
        Assert.Equal(NoticeStatus.Pending, (await StateAsync()).A);
    }

    [Fact]
    public async Task Share_AfterTheRequestExpired_IsRefused()
    {
        _scenario.Time.Advance(TimeSpan.FromDays(7));

        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => _notices.ShareAsync(_scenario.UserA, ShareOf(_scenario.ClipA1)));

        Assert.Contains("expired", refused.Message);
        Assert.Equal((0, 0, NoticeStatus.Pending, NoticeStatus.Pending), await StateAsync());
    }

    [Fact]
    public async Task EveryMethod_RefusesAUserWhoIsNotAResident()
    {
        var officer = Principals.For(_scenario.Officer.Id, ConsentDashboard.Infrastructure.Roles.Officer);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _notices.GetAsync(officer, _scenario.NoticeA.Id));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _notices.ShareAsync(officer, ShareOf(_scenario.ClipA1)));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _notices.IgnoreAsync(officer, _scenario.NoticeA.Id));
        Assert.Equal((0, 0, NoticeStatus.Pending, NoticeStatus.Pending), await StateAsync());
    }
}
