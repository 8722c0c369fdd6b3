using ConsentDashboard.Features.Disclosures;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Disclosures;

public sealed class DisclosureExpiryTests : IAsyncLifetime
{
    private ResidentScenario _scenario = null!;

    public async ValueTask InitializeAsync() => _scenario = await ResidentScenario.CreateAsync();

    public ValueTask DisposeAsync()
    {
        _scenario.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task AnEndedDisclosure_IsLoggedOnce_ForItsResident_WhileARevokedOneIsNot()
    {
        var notices = _scenario.NoticeService();
        await notices.ShareAsync(_scenario.UserA, new ShareInput { NoticeId = _scenario.NoticeA.Id, ClipIds = [_scenario.ClipA1.Id, _scenario.ClipA2.Id], AccessDays = 7 });
        Guid expiring, revoked;
        await using (var db = _scenario.Database.CreateDbContext())
        {
            expiring = await db.Disclosures.Where(d => d.ClipId == _scenario.ClipA1.Id).Select(d => d.Id).SingleAsync();
            revoked = await db.Disclosures.Where(d => d.ClipId == _scenario.ClipA2.Id).Select(d => d.Id).SingleAsync();
        }

        await _scenario.DisclosureService().RevokeAsync(_scenario.UserA, revoked);
        var sweep = _scenario.Database.Get<DisclosureExpiry>();
        Assert.Equal(0, await sweep.SweepAsync());

        _scenario.Time.Advance(TimeSpan.FromDays(7));
        var first = await sweep.SweepAsync();
        var second = await sweep.SweepAsync();

        await using var check = _scenario.Database.CreateDbContext();
        var entry = await check.AuditEntries.SingleAsync(e => e.Action == nameof(DisclosureExpired));
        Assert.Equal((1, 0), (first, second));
        Assert.Equal(($"disclosure:{expiring}", _scenario.ResidentA.Id, AuditActors.System), (entry.Subject, entry.ResidentId, entry.Actor));
        Assert.Equal((_scenario.Agency.Id, "HC-77", "Consent"), (entry.AgencyId, entry.CaseNumber, entry.LegalBasis));
        Assert.True((await AuditChainVerifier.VerifyAsync(check)).IsValid);
    }
}
