using ConsentDashboard.Infrastructure.Nodes;

namespace ConsentDashboard.Infrastructure;

/// <summary>
/// Runs a piece of work at start and then on every tick of <see cref="TimeProvider"/> time, each run in its own scope.
/// A failed run is logged and retried on the next tick; nothing it did half-way was committed. With several app nodes on
/// one PostgreSQL database each tick (a whole interval of clock time) runs on one node only (<see cref="NodeCoordination"/>).
/// </summary>
public abstract class PeriodicBackgroundWork(IServiceScopeFactory scopes, TimeProvider time, ILogger logger, TimeSpan interval)
    : BackgroundService
{
    protected abstract string What { get; }

    protected abstract Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A fresh delay after each run rather than a periodic timer: when the clock jumps (a test's fake clock, a resumed
        // machine), the work runs once for the jump instead of once for every interval it skipped.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var tick = time.GetUtcNow().UtcTicks / interval.Ticks;
                await scope.ServiceProvider.GetRequiredService<NodeCoordination>()
                    .RunOncePerTickAsync(GetType().Name, tick, () => RunOnceAsync(scope.ServiceProvider, stoppingToken), stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogError(error, "{What} failed; the next tick tries again.", What);
            }

            await Task.Delay(interval, time, stoppingToken);
        }
    }
}
