namespace ConsentDashboard.Features.Inbox;

/// <summary>
/// Tells open inbox pages that a resident's notices changed (a new request, an expiry) so they reload without the
/// resident pressing anything. Pages subscribe when they start and dispose the subscription when the circuit ends;
/// nothing is kept for a resident with no open page.
/// </summary>
public sealed class InboxNotifier(ILogger<InboxNotifier> logger)
{
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

    /// <summary>Wakes every open page of these residents. Does not wait for them: a slow circuit never delays the caller.</summary>
    public void Publish(IEnumerable<string> residentIds)
    {
        List<Subscription> targets = [];
        lock (_gate)
        {
            foreach (var residentId in residentIds.Distinct())
            {
                if (_byResident.TryGetValue(residentId, out var list))
                {
                    targets.AddRange(list);
                }
            }
        }

        foreach (var subscription in targets)
        {
            _ = NotifyAsync(subscription);
        }
    }

    private async Task NotifyAsync(Subscription subscription)
    {
        try
        {
            await subscription.OnChanged();
        }
        catch (Exception error)
        {
            // A page that went away mid-update must not break the others.
            logger.LogDebug(error, "An inbox page could not refresh.");
        }
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
        public string ResidentId { get; } = residentId;

        public Func<Task> OnChanged { get; } = onChanged;

        public void Dispose() => owner.Remove(this);
    }
}
