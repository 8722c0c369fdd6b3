using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Inbox;

/// <summary>Another process holding the database's write lock: the person is told to try again, and reading goes on.</summary>
// SQLite's file-wide write lock, held by another process.
[Trait("Database", "SqliteOnly")]
public sealed class DatabaseBusyTests : IAsyncLifetime
{
    private ResidentScenario _scenario = null!;

    public async ValueTask InitializeAsync() => _scenario = await ResidentScenario.CreateAsync();

    public ValueTask DisposeAsync()
    {
        _scenario.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task WhileAnotherProcessHoldsTheWriteLock_ASharesIsRefusedWithAMessage_ReadsWork_AndAfterwardsItSucceeds()
    {
        var share = new ShareInput { NoticeId = _scenario.NoticeA.Id, ClipIds = [_scenario.ClipA1.Id] };
        await using (var other = new SqliteConnection(_scenario.Database.ConnectionString))
        {
            await other.OpenAsync();
            await using var hold = other.CreateCommand();
            hold.CommandText = "BEGIN IMMEDIATE;";
            await hold.ExecuteNonQueryAsync();

            var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => _scenario.NoticeService().ShareAsync(_scenario.UserA, share));
            var notice = await _scenario.NoticeService().GetAsync(_scenario.UserA, _scenario.NoticeA.Id);

            Assert.Contains("busy", refused.Message);
            Assert.NotNull(notice);
            hold.CommandText = "ROLLBACK;";
            await hold.ExecuteNonQueryAsync();
        }

        await using (var db = _scenario.Database.CreateDbContext())
        {
            Assert.False(await db.Disclosures.AnyAsync());
        }

        var result = await _scenario.NoticeService().ShareAsync(_scenario.UserA, share);
        Assert.Equal(1, result.Disclosed);
    }
}
