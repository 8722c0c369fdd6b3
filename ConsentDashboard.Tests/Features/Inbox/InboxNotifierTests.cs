using Bunit;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConsentDashboard.Tests.Features.Inbox;

public sealed class InboxNotifierTests
{
    [Fact]
    public async Task Publish_WakesOnlyThatResidentsPages()
    {
        var notifier = new InboxNotifier(NullLogger<InboxNotifier>.Instance);
        var woken = new List<string>();
        var all = new TaskCompletionSource();
        using var a1 = notifier.Subscribe("a", () => { lock (woken) { woken.Add("a1"); } return Task.CompletedTask; });
        using var a2 = notifier.Subscribe("a", () => { lock (woken) { woken.Add("a2"); } all.TrySetResult(); return Task.CompletedTask; });
        using var b = notifier.Subscribe("b", () => { lock (woken) { woken.Add("b"); } return Task.CompletedTask; });

        notifier.Publish(["a", "c"]);
        await all.Task.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(["a1", "a2"], woken.Order());
    }

    [Fact]
    public async Task ThousandsOfCircuitsComingAndGoing_LeaveNoSubscriptionBehind()
    {
        var notifier = new InboxNotifier(NullLogger<InboxNotifier>.Instance);

        await Parallel.ForAsync(0, 20_000, async (i, _) =>
        {
            using var subscription = notifier.Subscribe($"resident-{i % 500}", () => Task.CompletedTask);
            if (i % 7 == 0)
            {
                notifier.Publish([$"resident-{i % 500}"]);
            }

            await Task.Yield();
        });

        Assert.Equal(0, notifier.SubscriptionCount);
    }

    /// <summary>A page still reloading when more changes arrive reloads once more, not once per change.</summary>
    [Fact]
    public async Task ChangesArrivingWhileAPageReloads_AreCoalescedIntoOneMoreReload()
    {
        var notifier = new InboxNotifier(NullLogger<InboxNotifier>.Instance);
        var release = new TaskCompletionSource();
        var reloads = 0;
        var second = new TaskCompletionSource();
        using var page = notifier.Subscribe("a", async () =>
        {
            if (Interlocked.Increment(ref reloads) == 1)
            {
                await release.Task;
            }
            else
            {
                second.TrySetResult();
            }
        });

        notifier.Publish(["a"]);
        for (var i = 0; i < 5; i++)
        {
            notifier.Publish(["a"]);
        }

        release.SetResult();
        await second.Task.WaitAsync(TimeSpan.FromSeconds(5));
        notifier.Publish(["a"]);
        await WaitUntilAsync(() => Volatile.Read(ref reloads) == 3);

        // The first reload, one for the five changes during it, and one for the change after it.
        Assert.Equal(3, reloads);
    }

    /// <summary>A request reaching thousands of open inboxes reloads them all, but only so many at a time.</summary>
    [Fact]
    public async Task ThousandsOfPagesWokenAtOnce_AllReload_AtMostTheBoundAtATime()
    {
        var notifier = new InboxNotifier(NullLogger<InboxNotifier>.Instance);
        const int Pages = 2_000;
        int running = 0, most = 0, done = 0;
        var all = new TaskCompletionSource();
        var pages = Enumerable.Range(0, Pages).Select(i => notifier.Subscribe($"resident-{i}", async () =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(1);
            Interlocked.Decrement(ref running);
            if (Interlocked.Increment(ref done) == Pages)
            {
                all.SetResult();
            }
        })).ToList();

        notifier.Publish(Enumerable.Range(0, Pages).Select(i => $"resident-{i}"));
        await all.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Pages, done);
        Assert.InRange(most, 1, InboxNotifier.MaxConcurrentRefreshes);
        pages.ForEach(p => p.Dispose());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Yield();
        }
    }

    [Fact]
    public void APageThatFails_DoesNotStopTheOthers()
    {
        var notifier = new InboxNotifier(NullLogger<InboxNotifier>.Instance);
        var reached = false;
        using var broken = notifier.Subscribe("a", () => throw new ObjectDisposedException("circuit"));
        using var working = notifier.Subscribe("a", () => { reached = true; return Task.CompletedTask; });

        notifier.Publish(["a"]);

        Assert.True(reached);
    }
}

public sealed class InboxPageTests : IAsyncLifetime
{
    private ResidentScenario _scenario = null!;
    private BunitContext _context = null!;

    public async ValueTask InitializeAsync()
    {
        _scenario = await ResidentScenario.CreateAsync();
        _context = ResidentPageContext.Create(_scenario, _scenario.ResidentA);
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _scenario.Dispose();
    }

    [Fact]
    public async Task ARequestFiledWhileTheInboxIsOpen_AppearsWithoutAReload_AndClosingThePageUnsubscribes()
    {
        var page = _context.RenderWithProviders<InboxPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid^=open-notice-]")));
        var notifier = _context.Services.GetRequiredService<InboxNotifier>();
        Assert.Equal(1, notifier.SubscriptionCount);

        await using (var db = _scenario.Database.CreateDbContext())
        {
            var request = new FootageRequest
            {
                Id = Guid.NewGuid(), AgencyId = _scenario.Agency.Id, OfficerId = _scenario.Officer.Id, CaseNumber = "HC-91", IncidentType = IncidentType.VehicleTheft,
                Description = "Car taken", OfficerContact = "desk", CenterLatitude = ResidentScenario.Latitude, CenterLongitude = ResidentScenario.Longitude,
                RadiusMeters = 200, WindowStart = _scenario.Request.WindowStart, WindowEnd = _scenario.Request.WindowEnd,
                CreatedAt = _scenario.Time.GetUtcNow().UtcDateTime, ExpiresAt = _scenario.Time.GetUtcNow().UtcDateTime.AddDays(7), Status = RequestStatus.Open,
            };
            db.FootageRequests.Add(request);
            db.RequestNotices.Add(new RequestNotice { Id = Guid.NewGuid(), RequestId = request.Id, ResidentId = _scenario.ResidentA.Id, Status = NoticeStatus.Pending, CreatedAt = request.CreatedAt });
            await db.SaveChangesAsync();
        }

        notifier.Publish([_scenario.ResidentA.Id]);

        page.WaitForAssertion(() => Assert.Contains("HC-91", page.Find("[data-testid=inbox-table]").TextContent));
        await _context.DisposeComponentsAsync();
        Assert.Equal(0, notifier.SubscriptionCount);
    }

    [Fact]
    public async Task Filters_SeparateOpenAnsweredAndExpiredRequests()
    {
        await _scenario.NoticeService().IgnoreAsync(_scenario.UserA, _scenario.NoticeA.Id);
        var page = _context.RenderWithProviders<InboxPage>();

        page.WaitForElement("[data-testid=inbox-filter-empty]");
        Assert.Contains("Open (0)", page.Find("[data-testid=inbox-filter]").TextContent);
        Assert.Contains("Answered (1)", page.Find("[data-testid=inbox-filter]").TextContent);

        page.Find("[data-testid=filter-answered]").Click();

        page.WaitForAssertion(() => Assert.Contains("HC-77", page.Find("[data-testid=inbox-table]").TextContent));
        Assert.Contains("Ignored", page.Find("[data-testid=notice-status]").TextContent);
    }
}
