namespace ConsentDashboard.Features.Inbox;

/// <summary>
/// Tells open inbox pages that a resident's notices changed (a new request, an expiry) so they reload without the
/// resident pressing anything. Pages subscribe when they start and dispose the subscription when the circuit ends;
/// nothing is kept for a resident with no open page.
/// </summary>
/// <remarks>
/// A request that reaches thousands of residents wakes thousands of pages, each of which reloads from the database.
/// The reloads are bounded (<see cref="MaxConcurrentRefreshes"/> at a time; the rest wait their turn) and coalesced per
/// page: a page already reloading, or waiting to, reloads once more at most, however many changes arrive meanwhile.
/// </remarks>
public sealed class InboxNotifier(ILogger<InboxNotifier> logger)
{
    /// <summary>How many pages reload at once, across all residents.</summary>
    public static readonly int MaxConcurrentRefreshes = Math.Max(4, Environment.ProcessorCount * 4);

    private readonly SemaphoreSlim _slots = new(MaxConcurrentRefreshes);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Subscription>> _byResident = new(StringComparer.Ordinal);

    /// <summary>Open subscriptions across all residents; the tests use it to show that disposal leaves nothing behind.</summary>
    internal int SubscriptionCount
    {
        get
        {
            lock (_gate)
            {
                return _byResident.Values.Sum(list => list.Count);
            }
        }
    }

    public IDisposable Subscribe(string residentId, Func<Task> onChanged)
    {
        var subscription = new Subscription(this, residentId, onChanged);
        lock (_gate)
        {
            if (!_byResident.TryGetValue(residentId, out var list))
            {
                _byResident[residentId] = list = [];
            }

            list.Add(subscription);
        }

        return subscription;
    }

    /// <summary>
    /// Wakes every open page of these residents, on this node and (through <see cref="Published"/>) on every other. Does
    /// not wait for them: a slow circuit never delays the caller.
    /// </summary>
    public void Publish(IEnumerable<string> residentIds)
    {
        var residents = residentIds.Distinct(StringComparer.Ordinal).ToList();
        Wake(residents);
        Published?.Invoke(residents);
    }

    /// <summary>A change was published on this node: what <see cref="InboxRelay"/> carries to the other nodes.</summary>
    public event Action<IReadOnlyList<string>>? Published;

    /// <summary>Wakes this node's open pages of these residents only: for changes another node published.</summary>
    public void Wake(IEnumerable<string> residentIds)
    {
        List<Subscription> targets = [];
        lock (_gate)
        {
            foreach (var residentId in residentIds)
            {
                if (_byResident.TryGetValue(residentId, out var list))
                {
                    targets.AddRange(list);
                }
            }
        }

        Signal(targets);
    }

    /// <summary>
    /// Wakes every open page on this node: after a gap in which changes from other nodes may have been missed (the
    /// connection that carries them was re-established).
    /// </summary>
    public void WakeAll()
    {
        List<Subscription> targets;
        lock (_gate)
        {
            targets = _byResident.Values.SelectMany(list => list).ToList();
        }

        Signal(targets);
    }

    private void Signal(List<Subscription> targets)
    {
        foreach (var subscription in targets)
        {
            if (subscription.Signal())
            {
                _ = RefreshAsync(subscription);
            }
        }
    }

    /// <summary>Reloads the page, and again while changes arrived during the reload; one slot at a time.</summary>
    private async Task RefreshAsync(Subscription subscription)
    {
        do
        {
            await _slots.WaitAsync();
            try
            {
                if (!subscription.Disposed)
                {
                    await subscription.OnChanged();
                }
            }
            catch (Exception error)
            {
                // A page that went away mid-update must not break the others.
                logger.LogDebug(error, "An inbox page could not refresh.");
            }
            finally
            {
                _slots.Release();
            }
        }
        while (subscription.Again());
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            if (_byResident.TryGetValue(subscription.ResidentId, out var list) && list.Remove(subscription) && list.Count == 0)
            {
                _byResident.Remove(subscription.ResidentId);
            }
        }
    }

    private sealed class Subscription(InboxNotifier owner, string residentId, Func<Task> onChanged) : IDisposable
    {
        private const int Idle = 0, Refreshing = 1, RefreshAgain = 2;
        private int _state;
        private volatile bool _disposed;

        public string ResidentId { get; } = residentId;

        public Func<Task> OnChanged { get; } = onChanged;

        public bool Disposed => _disposed;

        /// <summary>A change arrived: true when the caller must start a refresh; false when one running will see it.</summary>
        public bool Signal()
        {
            while (true)
            {
                switch (Volatile.Read(ref _state))
                {
                    case Idle when Interlocked.CompareExchange(ref _state, Refreshing, Idle) == Idle:
                        return true;
                    case Refreshing when Interlocked.CompareExchange(ref _state, RefreshAgain, Refreshing) == Refreshing:
                    case RefreshAgain:
                        return false;
                }
            }
        }

        /// <summary>A refresh ended: true when a change arrived during it and the page must reload once more.</summary>
        public bool Again()
        {
            if (Interlocked.CompareExchange(ref _state, Idle, Refreshing) == Refreshing)
            {
                return false;
            }

            Volatile.Write(ref _state, Refreshing);
            return true;
        }

        public void Dispose()
        {
            _disposed = true;
            owner.Remove(this);
        }
    }
}
