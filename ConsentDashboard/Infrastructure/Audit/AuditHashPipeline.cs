using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// Hashes entries on a second core while the first goes on reading: the reader lays each entry's canonical bytes and its
/// stored hash into a reused batch, and the hashing task checks whole batches. Four batches circulate, so memory is
/// constant however long the log.
/// </summary>
internal sealed class AuditHashPipeline : IDisposable
{
    private const int BatchCapacity = 1024;
    private const int Batches = 4;

    private readonly BlockingCollection<Batch> _full = new(Batches);
    private readonly BlockingCollection<Batch> _free = new(Batches);
    private readonly CancellationTokenSource _stop;
    private readonly Task<long?> _hashing;
    private readonly Merkle.RootCollector? _roots;
    private Batch _current;

    public AuditHashPipeline(CancellationToken cancellationToken, Merkle.RootCollector? roots = null)
    {
        _roots = roots;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        for (var i = 0; i < Batches; i++)
        {
            _free.Add(new Batch());
        }

        _current = _free.Take(cancellationToken);
        _hashing = Task.Run(HashBatches, _stop.Token);
    }

    /// <summary>Space for the next entry's canonical bytes, at least <paramref name="bound"/> long.</summary>
    public Span<byte> Reserve(int bound)
    {
        if (_current.Count == BatchCapacity || _current.Used + bound > _current.Arena.Length)
        {
            if (_current.Count > 0)
            {
                _full.Add(_current, _stop.Token);
                _current = _free.Take(_stop.Token);
            }

            if (bound > _current.Arena.Length)
            {
                _current.Arena = new byte[bound];
            }
        }

        return _current.Arena.AsSpan(_current.Used);
    }

    /// <summary>Queues the entry just written into <see cref="Reserve"/>; false when its stored hash is not 64 hex digits.</summary>
    public bool Add(long sequence, int written, ReadOnlySpan<byte> storedHashHex)
    {
        if (!AuditCanonicalEncoding.TryDecodeHex(storedHashHex, _current.Hashes.AsSpan(32 * _current.Count, 32)))
        {
            return false;
        }

        if (_current.Count == 0)
        {
            _current.FirstSequence = sequence;
        }

        _current.Used += written;
        _current.Ends[_current.Count++] = _current.Used;
        return true;
    }

    /// <summary>Waits for every queued entry to be hashed: null when all matched, else the first entry that did not.</summary>
    public long? Complete()
    {
        if (_current.Count > 0 && !_stop.IsCancellationRequested)
        {
            _full.Add(_current, _stop.Token);
        }

        _full.CompleteAdding();
        return _hashing.GetAwaiter().GetResult();
    }

    /// <summary>Set as soon as the hashing core finds a mismatch, so the reader can stop early.</summary>
    public CancellationToken Stopped => _stop.Token;

    private long? HashBatches()
    {
        Span<byte> digest = stackalloc byte[32];
        foreach (var batch in _full.GetConsumingEnumerable(_stop.Token))
        {
            var start = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                SHA256.HashData(batch.Arena.AsSpan(start, batch.Ends[i] - start), digest);
                if (!digest.SequenceEqual(batch.Hashes.AsSpan(32 * i, 32)))
                {
                    // Unblocks the reader, which may be waiting for a free batch.
                    _stop.Cancel();
                    return batch.FirstSequence + i;
                }

                _roots?.Add(digest);

                start = batch.Ends[i];
            }

            batch.Count = 0;
            batch.Used = 0;
            _free.Add(batch, _stop.Token);
        }

        return null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _full.CompleteAdding();
        try
        {
            _hashing.Wait(CancellationToken.None);
        }
        catch (AggregateException)
        {
            // Cancelled after the result was known, or because the caller gave up.
        }

        _full.Dispose();
        _free.Dispose();
        _stop.Dispose();
    }

    /// <summary>A run of entries' canonical bytes and stored hashes.</summary>
    private sealed class Batch
    {
        public byte[] Arena = new byte[1 << 20];
        public readonly int[] Ends = new int[BatchCapacity];
        public readonly byte[] Hashes = new byte[32 * BatchCapacity];
        public long FirstSequence;
        public int Count;
        public int Used;
    }
}
