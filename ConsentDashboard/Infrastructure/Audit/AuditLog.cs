using System.Text.Json;
using System.Text.Json.Serialization;
using ConsentDashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// The only way anything is written to the audit log. A feature opens a scope on its own context, makes its
/// change, appends entries, and commits once: the change and its entries commit or fail together.
/// </summary>
/// <remarks>
/// Appends are serialised twice over: an in-process lock keeps this instance's writers in line, and the
/// transaction itself (BEGIN IMMEDIATE on SQLite) holds the database's write lock, so another process cannot
/// read the same head. The sequence is the primary key, so a fork could never be stored even if both failed.
/// </remarks>
public sealed class AuditLog(TimeProvider time)
{
    /// <summary>How event records become details: camelCase names, enums by name. Part of what the hash covers.</summary>
    public static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly SemaphoreSlim _appendLock = new(1, 1);

    // The tree's right edge after the last commit through this instance, so an append needs no query to extend it.
    // Only used when the head it was taken at is still the head (another process may have appended since).
    private (long Size, string HeadHash, Merkle.MerkleFrontier Frontier)? _committedEdge;

    internal Merkle.MerkleFrontier? EdgeAt(long size, string headHash) =>
        _committedEdge is { } edge && edge.Size == size && edge.HeadHash == headHash ? edge.Frontier.Clone() : null;

    internal void Committed(long size, string headHash, Merkle.MerkleFrontier frontier) => _committedEdge = (size, headHash, frontier);

    public async Task<AuditScope> BeginAsync(ApplicationDbContext db, CancellationToken cancellationToken = default)
    {
        await _appendLock.WaitAsync(cancellationToken);
        try
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            return new AuditScope(db, transaction, this, _appendLock, time);
        }
        catch (Microsoft.Data.Sqlite.SqliteException busy) when (busy.SqliteErrorCode is 5 or 6)
        {
            // Another process holds the write lock (a backup, a long migration): say so instead of failing or hanging.
            _appendLock.Release();
            throw new Validation.ActionRefusedException("The database is busy for a moment, so nothing was saved. Please try again in a few seconds.");
        }
        catch
        {
            _appendLock.Release();
            throw;
        }
    }
}

public sealed class AuditScope : IAsyncDisposable
{
    private readonly ApplicationDbContext _db;
    private readonly IDbContextTransaction _transaction;
    private readonly AuditLog _log;
    private readonly SemaphoreSlim _appendLock;
    private readonly TimeProvider _time;
    private (long Sequence, string Hash)? _head;
    private Merkle.MerkleFrontier? _tree;
    private bool _released;

    internal AuditScope(ApplicationDbContext db, IDbContextTransaction transaction, AuditLog log, SemaphoreSlim appendLock, TimeProvider time)
    {
        _db = db;
        _transaction = transaction;
        _log = log;
        _appendLock = appendLock;
        _time = time;
    }

    /// <summary>
    /// Adds an entry chained to the current head. It is stored when <see cref="CommitAsync"/> runs. The filter columns,
    /// the resident included, come from the event's facets and are checked against its details by the verifier.
    /// </summary>
    public async Task<AuditEntry> AppendAsync(string actor, string subject, AuditEvent details, CancellationToken cancellationToken = default)
    {
        if (_head is null)
        {
            var last = await _db.AuditEntries.AsNoTracking()
                .OrderByDescending(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Hash })
                .FirstOrDefaultAsync(cancellationToken);
            _head = last is null ? (0, AuditCanonicalEncoding.GenesisHash) : (last.Sequence, last.Hash);
            _tree = _log.EdgeAt(_head.Value.Sequence, _head.Value.Hash);
            if (_tree is null)
            {
                var size = _head.Value.Sequence;
                if (await _db.AuditTreeNodes.AnyAsync(n => n.Level == 1 && n.Index >= size / 2, cancellationToken))
                {
                    // The tree reaches past the log's end: entries were removed behind the app's back.
                    throw new Validation.ActionRefusedException(
                        "The audit log is damaged (entries were removed from it), so nothing can be recorded. An operator must restore it from a backup.");
                }

                _tree = await AuditTree.FrontierAsync(_db, size, _head.Value.Hash, cancellationToken);
            }
        }

        var entry = new AuditEntry
        {
            Sequence = _head.Value.Sequence + 1,
            Timestamp = AuditCanonicalEncoding.Normalise(_time.GetUtcNow().UtcDateTime),
            Actor = actor,
            Action = details.Action,
            Subject = subject,
            Details = JsonSerializer.Serialize(details, details.GetType(), AuditLog.DetailsJson),
            PreviousHash = _head.Value.Hash,
        };
        entry.Hash = AuditCanonicalEncoding.ComputeHash(entry);
        details.Facets.ApplyTo(entry);
        _db.AuditEntries.Add(entry);
        // The subtrees this entry completes are stored with it, in the same transaction.
        foreach (var (id, hash) in _tree!.Append(AuditTree.LeafOf(entry.Hash)))
        {
            _db.AuditTreeNodes.Add(new AuditTreeNode { Level = id.Level, Index = id.Index, Hash = hash });
        }

        _head = (entry.Sequence, entry.Hash);
        return entry;
    }

    /// <summary>Saves every pending change of the context, entries included, and commits them as one.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await _db.SaveChangesAsync(cancellationToken);
        await _transaction.CommitAsync(cancellationToken);
        if (_head is { } head && _tree is not null)
        {
            _log.Committed(head.Sequence, head.Hash, _tree);
        }

        Release();
    }

    public async ValueTask DisposeAsync()
    {
        // Disposing an uncommitted transaction rolls it back.
        await _transaction.DisposeAsync();
        Release();
    }

    private void Release()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        _appendLock.Release();
    }
}
