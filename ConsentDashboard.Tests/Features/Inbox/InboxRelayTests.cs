using System.Text;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ConsentDashboard.Tests.Features.Inbox;

/// <summary>Inbox pages on one node wake for changes made on another: two app nodes on one PostgreSQL database.</summary>
// Its nodes run on PostgreSQL whichever database the suite runs on.
[Trait("Database", "ChoosesItsOwn")]
public sealed class InboxRelayTests(PostgresServer postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly List<TestApp> _nodes = [];
    private readonly List<InboxRelay> _relays = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in _relays)
        {
            await relay.StopAsync(CancellationToken.None);
        }

        _nodes.ForEach(node => node.Dispose());
    }

    /// <summary>Two nodes on a new database, each listening (as the web host starts the relay with the app).</summary>
    private async Task<(TestApp A, TestApp B)> TwoListeningNodesAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        foreach (var _ in new[] { 'A', 'B' })
        {
            var node = await TestApp.CreateAsync(settings: new Dictionary<string, string?>
            {
                ["ConsentDashboard:Database:Provider"] = "PostgreSQL",
                ["ConnectionStrings:DefaultConnection"] = database,
            });
            _nodes.Add(node);
            var relay = node.Services.GetServices<IHostedService>().OfType<InboxRelay>().Single();
            await relay.StartAsync(CancellationToken.None);
            await relay.Listening.WaitAsync(Patience);
            _relays.Add(relay);
        }

        return (_nodes[0], _nodes[1]);
    }

    private static (Func<int> Count, Task Woken) Page(TestApp node, string resident)
    {
        var count = 0;
        var woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Get<InboxNotifier>().Subscribe(resident, () =>
        {
            Interlocked.Increment(ref count);
            woken.TrySetResult();
            return Task.CompletedTask;
        });
        return (() => Volatile.Read(ref count), woken.Task);
    }

    [Fact]
    public async Task AChangePublishedOnNodeA_WakesThatResidentsOpenPageOnNodeB_AndNoOneElses()
    {
        var (a, b) = await TwoListeningNodesAsync();
        var mayaOnB = Page(b, "maya");
        var omarOnB = Page(b, "omar");

        a.Get<InboxNotifier>().Publish(["maya"]);
        await mayaOnB.Woken.WaitAsync(Patience);

        // Notifications arrive in order: once Omar's has, Maya's page has seen everything meant for it.
        a.Get<InboxNotifier>().Publish(["omar"]);
        await omarOnB.Woken.WaitAsync(Patience);
        Assert.Equal(1, mayaOnB.Count());
        Assert.Equal(1, omarOnB.Count());
    }

    [Fact]
    public async Task WhenTheListeningConnectionDrops_EveryOpenPageReloadsOnceItIsBack()
    {
        var (a, b) = await TwoListeningNodesAsync();
        var mayaOnB = Page(b, "maya");

        await using (var db = a.CreateDbContext())
        {
            // The server ends B's listening session, as a restart or a network cut would.
            var ended = await db.Database.SqlQuery<bool>($"""
                SELECT pg_terminate_backend(pid) AS "Value" FROM pg_stat_activity
                WHERE datname = current_database() AND query = {"LISTEN " + InboxRelay.ChannelName} AND pid <> pg_backend_pid()
                """).ToListAsync();
            Assert.Equal(2, ended.Count(e => e));
        }

        // The relay waits (on the app's clock) before it connects again.
        var deadline = DateTime.UtcNow + Patience;
        while (!mayaOnB.Woken.IsCompleted && DateTime.UtcNow < deadline)
        {
            b.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(mayaOnB.Woken, Task.Delay(50));
        }

        await mayaOnB.Woken.WaitAsync(TimeSpan.Zero);
        Assert.Equal(1, mayaOnB.Count());

        // And it listens again: a change on A reaches B.
        var omarOnB = Page(b, "omar");
        a.Get<InboxNotifier>().Publish(["omar"]);
        await omarOnB.Woken.WaitAsync(Patience);
    }

    [Fact]
    public void ManyResidents_AreSpreadOverNotificationsUnderPostgreSqlsLimit_WithNoneLost()
    {
        var residents = Enumerable.Range(0, 1_000).Select(_ => Guid.NewGuid().ToString()).ToList();

        var payloads = InboxRelay.Payloads("node-1", residents).ToList();

        Assert.True(payloads.Count > 1);
        Assert.All(payloads, payload =>
        {
            Assert.True(Encoding.UTF8.GetByteCount(payload) < 8_000);
            Assert.StartsWith("node-1\n", payload);
        });
        Assert.Equal(residents, payloads.SelectMany(payload => payload.Split('\n').Skip(1)));
    }
}
