using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Data;

/// <summary>
/// A request's notices are written in one go (on PostgreSQL, one statement for all of them): what a resident's inbox
/// reads back must be what the context would have stored, on either database.
/// </summary>
[Trait("Database", "ChoosesItsOwn")]
public sealed class RowBatchTests(PostgresServer postgres) : IDisposable
{
    private ResidentScenario _scenario = null!;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task InsertAll_StoresEveryRowAsTheContextWould_AfterTheRowTheyReferTo(DatabaseProvider provider)
    {
        await OnAsync(provider);
        var now = _scenario.Time.GetUtcNow().UtcDateTime;
        await using var db = _scenario.Database.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync();
        // Added, not saved: the notices refer to it, so it must be written first.
        var request = NewRequest(now);
        db.FootageRequests.Add(request);
        var answeredAt = new DateTime(2026, 11, 20, 9, 30, 15, 123, DateTimeKind.Utc).AddTicks(4560);
        var notices = new List<RequestNotice>
        {
            new() { Id = Guid.NewGuid(), RequestId = request.Id, ResidentId = _scenario.ResidentA.Id, Status = NoticeStatus.Pending, CreatedAt = now },
            new() { Id = Guid.NewGuid(), RequestId = request.Id, ResidentId = _scenario.ResidentB.Id, Status = NoticeStatus.Declined, CreatedAt = now, AnsweredAt = answeredAt },
        };

        await db.InsertAllAsync(notices);
        await transaction.CommitAsync();

        Assert.Empty(db.ChangeTracker.Entries<RequestNotice>());
        await using var reads = _scenario.Database.CreateDbContext();
        var stored = await reads.RequestNotices.AsNoTracking().Where(n => n.RequestId == request.Id).ToDictionaryAsync(n => n.Id);
        Assert.Equal(2, stored.Count);
        foreach (var notice in notices)
        {
            var row = stored[notice.Id];
            Assert.Equal((notice.ResidentId, notice.Status, notice.CreatedAt, notice.AnsweredAt), (row.ResidentId, row.Status, row.CreatedAt, row.AnsweredAt));
            Assert.Equal(DateTimeKind.Utc, row.CreatedAt.Kind);
        }

        // Stored under the names the context uses, so its own queries find them: the enum as its name, for one.
        Assert.Equal(1, await reads.RequestNotices.CountAsync(n => n.RequestId == request.Id && n.Status == NoticeStatus.Declined));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task InsertAll_WithOneRowTheDatabaseRefuses_StoresNoneOfThem_AndSaysSoAsSaveChangesWould(DatabaseProvider provider)
    {
        await OnAsync(provider);
        var now = _scenario.Time.GetUtcNow().UtcDateTime;
        await using var db = _scenario.Database.CreateDbContext();
        var notices = new List<RequestNotice>
        {
            new() { Id = Guid.NewGuid(), RequestId = _scenario.Request.Id, ResidentId = _scenario.Officer.Id, Status = NoticeStatus.Pending, CreatedAt = now },
            new() { Id = Guid.NewGuid(), RequestId = _scenario.Request.Id, ResidentId = "no-such-resident", Status = NoticeStatus.Pending, CreatedAt = now },
        };

        await Assert.ThrowsAsync<DbUpdateException>(() => db.InsertAllAsync(notices));

        await using var reads = _scenario.Database.CreateDbContext();
        var stored = await reads.RequestNotices.Where(n => n.RequestId == _scenario.Request.Id).Select(n => n.Id).ToListAsync();
        Assert.Equal(new[] { _scenario.NoticeA.Id, _scenario.NoticeB.Id }.Order(), stored.Order());
    }

    private async Task OnAsync(DatabaseProvider provider) => _scenario = await ResidentScenario.CreateAsync(provider == DatabaseProvider.PostgreSql
        ? new Dictionary<string, string?>
        {
            ["ConsentDashboard:Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:DefaultConnection"] = await postgres.CreateDatabaseAsync(),
        }
        : new Dictionary<string, string?> { ["ConsentDashboard:Database:Provider"] = "Sqlite" });

    private FootageRequest NewRequest(DateTime now) => new()
    {
        Id = Guid.NewGuid(), AgencyId = _scenario.Agency.Id, OfficerId = _scenario.Officer.Id, CaseNumber = "HC-78", IncidentType = IncidentType.Burglary,
        Description = "Shed broken into", OfficerContact = "desk 4", CenterLatitude = ResidentScenario.Latitude, CenterLongitude = ResidentScenario.Longitude,
        RadiusMeters = 300, WindowStart = now.AddDays(-1), WindowEnd = now.AddDays(-1).AddHours(1), CreatedAt = now, OpenedAt = now,
        ExpiresAt = now.AddDays(7), Status = RequestStatus.Open,
    };

    public void Dispose() => _scenario?.Dispose();
}
