using System.Text;
using System.Threading.Channels;
using ConsentDashboard.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ConsentDashboard.Features.Inbox;

/// <summary>
/// Carries inbox wake-ups between app nodes on one PostgreSQL database: what <see cref="InboxNotifier"/> publishes on
/// this node is sent with <c>NOTIFY</c>, and what other nodes send arrives on a connection that <c>LISTEN</c>s and wakes
/// this node's pages. On SQLite the app is one process and there is nothing to carry.
/// </summary>
/// <remarks>
/// A notification holds this node's id and resident ids only, never what changed: the page reloads from the database.
/// Notifications are sent after the change committed (the notifier is told after the commit), so a woken page finds it.
/// When the listening connection drops, every open page on this node reloads once it is back, so a change sent in the
/// gap is not missed.
/// </remarks>
public sealed class InboxRelay(
    InboxNotifier notifier, IOptions<ConsentDashboardOptions> options, IConfiguration configuration, TimeProvider time, ILogger<InboxRelay> logger)
    : BackgroundService
{
    public const string ChannelName = "consentdashboard_inbox";

    /// <summary>PostgreSQL refuses payloads of 8,000 bytes or more; ids are spread over as many notifications as they need.</summary>
    internal const int MaxPayloadBytes = 7_900;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1), LongestRetry = TimeSpan.FromSeconds(30);

    private readonly string _node = Guid.NewGuid().ToString("N");
    private readonly Channel<IReadOnlyList<string>> _outgoing = Channel.CreateUnbounded<IReadOnlyList<string>>(new() { SingleReader = true });
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this node listens (the tests wait for it before publishing on another node).</summary>
    internal Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Database.Provider != DatabaseProvider.PostgreSql)
        {
            _listening.TrySetResult();
            return;
        }

        var connectionString = configuration.GetConnectionString("DefaultConnection")!;
        void Forward(IReadOnlyList<string> residents) => _outgoing.Writer.TryWrite(residents);
        notifier.Published += Forward;
        try
        {
            await Task.WhenAll(ListenAsync(connectionString, stoppingToken), SendAsync(connectionString, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            notifier.Published -= Forward;
        }
    }

    private async Task ListenAsync(string connectionString, CancellationToken stoppingToken)
    {
        // A connection of its own, outside the pool, probed now and then so a dead server is noticed while waiting.
        var dedicated = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 15 }.ConnectionString;
        var retry = FirstRetry;
        var missedSome = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(dedicated);
                connection.Notification += (_, notification) => Receive(notification.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {ChannelName}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                _listening.TrySetResult();
                if (missedSome)
                {
                    logger.LogInformation("Listening for other nodes' inbox changes again; open inboxes on this node reload once.");
                    notifier.WakeAll();
                }

                retry = FirstRetry;
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception error) when (error is NpgsqlException or System.IO.IOException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                missedSome = true;
                logger.LogWarning("Not listening for other nodes' inbox changes ({Reason}); trying again in {Seconds} s.", error.Message, retry.TotalSeconds);
                await Task.Delay(retry, time, stoppingToken);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LongestRetry.Ticks));
            }
        }
    }

    private void Receive(string payload)
    {
        var lines = payload.Split('\n');
        if (lines.Length > 1 && lines[0] != _node)
        {
            notifier.Wake(lines.Skip(1));
        }
    }

    private async Task SendAsync(string connectionString, CancellationToken stoppingToken)
    {
        while (await _outgoing.Reader.WaitToReadAsync(stoppingToken))
        {
            // Everything published since the last send goes out together.
            var residents = new HashSet<string>(StringComparer.Ordinal);
            while (_outgoing.Reader.TryRead(out var published))
            {
                residents.UnionWith(published);
            }

            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                foreach (var payload in Payloads(_node, residents))
                {
                    await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                    notify.Parameters.AddWithValue("channel", ChannelName);
                    notify.Parameters.AddWithValue("payload", payload);
                    await notify.ExecuteNonQueryAsync(stoppingToken);
                }
            }
            catch (Exception error) when (error is NpgsqlException or System.IO.IOException or TimeoutException)
            {
                // Nothing is lost for good: the change is in the database, and the pages show it on their next reload.
                logger.LogWarning("Could not tell other nodes that {Count} residents' inboxes changed ({Reason}); their open pages there update on reload.",
                    residents.Count, error.Message);
            }
        }
    }

    /// <summary>The node's id on the first line, then one resident id per line, in notifications under PostgreSQL's size limit.</summary>
    internal static IEnumerable<string> Payloads(string node, IEnumerable<string> residents)
    {
        var payload = new StringBuilder(node);
        var bytes = Encoding.UTF8.GetByteCount(node);
        var any = false;
        foreach (var resident in residents)
        {
            var size = 1 + Encoding.UTF8.GetByteCount(resident);
            if (any && bytes + size > MaxPayloadBytes)
            {
                yield return payload.ToString();
                payload.Clear().Append(node);
                bytes = Encoding.UTF8.GetByteCount(node);
            }

            payload.Append('\n').Append(resident);
            bytes += size;
            any = true;
        }

        if (any)
        {
            yield return payload.ToString();
        }
    }
}
