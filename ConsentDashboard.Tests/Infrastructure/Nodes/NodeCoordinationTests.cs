using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Nodes;
using ConsentDashboard.Tests.Support;

namespace ConsentDashboard.Tests.Infrastructure.Nodes;

/// <summary>Periodic work and mail delivery run on one node at a time when several share a PostgreSQL database.</summary>
// Its nodes run on PostgreSQL whichever database the suite runs on.
[Trait("Database", "ChoosesItsOwn")]
public sealed class NodeCoordinationTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly List<TestApp> _nodes = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _nodes.ForEach(node => node.Dispose());
        return ValueTask.CompletedTask;
    }

    private async Task<NodeCoordination[]> NodesAsync(DatabaseProvider provider, int count)
    {
        var settings = new Dictionary<string, string?> { ["ConsentDashboard:Database:Provider"] = provider.ToString() };
        if (provider == DatabaseProvider.PostgreSql)
        {
            settings["ConnectionStrings:DefaultConnection"] = await postgres.CreateDatabaseAsync();
        }

        for (var i = 0; i < count; i++)
        {
            _nodes.Add(await TestApp.CreateAsync(settings: new Dictionary<string, string?>(settings)));
        }

        return _nodes.Select(node => node.Get<NodeCoordination>()).ToArray();
    }

    [Fact]
    public async Task OnPostgreSql_EachTickRunsOnOneNode_HoweverManyWakeInIt()
    {
        var nodes = await NodesAsync(DatabaseProvider.PostgreSql, 2);
        var runs = new Dictionary<long, int>();
        Task Run(long tick)
        {
            lock (runs)
            {
                runs[tick] = runs.GetValueOrDefault(tick) + 1;
            }

            return Task.Delay(20);
        }

        foreach (var tick in new long[] { 100, 101, 102 })
        {
            // Eight wake-ups per node in the same tick, all at once.
            await Task.WhenAll(nodes.SelectMany(node => Enumerable.Range(0, 8).Select(_ => node.RunOncePerTickAsync("sweep", tick, () => Run(tick)))));
        }

        Assert.Equal(new Dictionary<long, int> { [100] = 1, [101] = 1, [102] = 1 }, runs);
        // Another piece of work keeps ticks of its own.
        Assert.True(await nodes[1].RunOncePerTickAsync("signing", 102, () => Task.CompletedTask));
    }

    [Fact]
    public async Task OnPostgreSql_ATickWhoseRunFailed_IsRunByTheNextNodeToWake()
    {
        var nodes = await NodesAsync(DatabaseProvider.PostgreSql, 2);

        await Assert.ThrowsAsync<InvalidOperationException>(() => nodes[0].RunOncePerTickAsync("sweep", 7, () => throw new InvalidOperationException("database busy")));
        var ranOnB = await nodes[1].RunOncePerTickAsync("sweep", 7, () => Task.CompletedTask);
        var ranOnAAgain = await nodes[0].RunOncePerTickAsync("sweep", 7, () => Task.CompletedTask);

        Assert.True(ranOnB);
        Assert.False(ranOnAAgain);
    }

    [Fact]
    public async Task OnPostgreSql_WorkHeldByOneNode_IsRefusedToAnother_UntilItIsGivenBack()
    {
        var nodes = await NodesAsync(DatabaseProvider.PostgreSql, 2);

        var heldByA = await nodes[0].TryHoldAsync("mail");
        Assert.NotNull(heldByA);
        Assert.Null(await nodes[1].TryHoldAsync("mail"));
        await using (var other = await nodes[1].TryHoldAsync("other work"))
        {
            Assert.NotNull(other);
        }

        await heldByA.DisposeAsync();
        await using var heldByB = await nodes[1].TryHoldAsync("mail");
        Assert.NotNull(heldByB);
    }

    [Fact]
    public async Task OnSqlite_OneProcess_RunsEveryTimeItIsAsked()
    {
        var node = (await NodesAsync(DatabaseProvider.Sqlite, 1))[0];
        var runs = 0;

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await node.RunOncePerTickAsync("sweep", 5, () => Task.FromResult(++runs)));
        }

        Assert.Equal(3, runs);
        await using var held = await node.TryHoldAsync("mail");
        Assert.NotNull(held);
    }
}
