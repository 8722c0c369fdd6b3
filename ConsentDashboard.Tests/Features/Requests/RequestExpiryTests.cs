using ConsentDashboard.Data;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ConsentDashboard.Tests.Features.Requests;

public sealed class RequestExpiryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
    private TestApp _database = null!;
    private RequestExpiry _expiry = null!;
    private Guid _requestId;

    public async ValueTask InitializeAsync()
    {
        _database = await TestApp.CreateAsync(_time);
        _expiry = _database.Get<RequestExpiry>();
        var now = _time.GetUtcNow().UtcDateTime;
        await using var db = _database.CreateDbContext();
        var agency = new Agency { Name = "Test PD", Jurisdiction = "Test City", RequiresReview = false };
        db.Agencies.Add(agency);
        var officer = new ApplicationUser { UserName = "officer@test", Email = "officer@test", DisplayName = "Officer" };
        db.Users.Add(officer);
        await db.SaveChangesAsync();
        var request = new FootageRequest
        {
            Id = Guid.NewGuid(), AgencyId = agency.Id, OfficerId = officer.Id, CaseNumber = "T-1",
            IncidentType = IncidentType.Burglary, OfficerContact = "desk", RadiusMeters = 300,
            WindowStart = now.AddDays(-2), WindowEnd = now.AddDays(-2).AddHours(1),
            CreatedAt = now, ExpiresAt = now.AddDays(7), Status = RequestStatus.Open,
        };
        _requestId = request.Id;
        db.FootageRequests.Add(request);
        foreach (var status in new[] { NoticeStatus.Pending, NoticeStatus.Pending, NoticeStatus.Shared, NoticeStatus.Declined, NoticeStatus.Ignored })
        {
            var resident = new ApplicationUser { UserName = $"{Guid.NewGuid():N}@test", DisplayName = "Resident" };
            db.Users.Add(resident);
            db.RequestNotices.Add(new RequestNotice { Id = Guid.NewGuid(), RequestId = request.Id, ResidentId = resident.Id, Status = status, CreatedAt = now });
        }

        await db.SaveChangesAsync();
    }

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<List<NoticeStatus>> NoticeStatusesAsync()
    {
        await using var db = _database.CreateDbContext();
        return (await db.RequestNotices.Select(n => n.Status).ToListAsync()).Order().ToList();
    }

    [Fact]
    public async Task Sweep_BeforeExpiry_ChangesNothing()
    {
        _time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));

        Assert.Equal(0, await _expiry.SweepAsync());

        Assert.Equal([NoticeStatus.Pending, NoticeStatus.Pending, NoticeStatus.Shared, NoticeStatus.Declined, NoticeStatus.Ignored], await NoticeStatusesAsync());
        await using var db = _database.CreateDbContext();
        Assert.Equal(0, await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task Sweep_AfterExpiry_ExpiresOnlyPendingNoticesAndLogsTheRequestOnce()
    {
        _time.Advance(TimeSpan.FromDays(7));

        Assert.Equal(1, await _expiry.SweepAsync());
        Assert.Equal(0, await _expiry.SweepAsync());

        // The residents' own answers stay exactly as they gave them.
        Assert.Equal([NoticeStatus.Shared, NoticeStatus.Declined, NoticeStatus.Ignored, NoticeStatus.Expired, NoticeStatus.Expired], await NoticeStatusesAsync());
        await using var db = _database.CreateDbContext();
        Assert.Equal(RequestStatus.Expired, (await db.FootageRequests.SingleAsync()).Status);
        var entry = await db.AuditEntries.SingleAsync();
        Assert.Equal(nameof(RequestExpired), entry.Action);
        Assert.Equal($"request:{_requestId}", entry.Subject);
        Assert.True((await AuditChainVerifier.VerifyAsync(db)).IsValid);
    }
}
