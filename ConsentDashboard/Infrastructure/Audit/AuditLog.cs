using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using ConsentDashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// The only way anything is written to the audit log. A feature hands it a unit of work (its change and the entries
/// that record it); the unit's change and entries commit or fail together.
/// </summary>
/// <remarks>
/// <para>
/// Group commit: one writer takes the queued units, runs as many as are waiting in one transaction, each inside its own
/// savepoint, and commits once. A unit that throws is rolled back to its savepoint alone and its caller gets the error;
/// the others commit. Every caller's task completes only after the commit is durable. Entries are chained in the order
/// the units run, so the chain stays strictly sequential however many callers wait.
/// </para>
/// <para>
/// The transaction (BEGIN IMMEDIATE on SQLite) holds the database's write lock while the units run, so another process
/// cannot read the same head. The sequence is the primary key, so a fork could never be stored even if both failed.
/// Work that needs no lock (validation, queries whose answer may be a moment old) belongs before the unit, not in it.
/// </para>
/// </remarks>
public sealed class AuditLog(IDbContextFactory<ApplicationDbContext> dbFactory, TimeProvider time) : IAsyncDisposable, IDisposable
{
    /// <summary>How event records become details: camelCase names, enums by name. Part of what the hash covers.</summary>
    public static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The most units one commit carries; more waiting go into the next.</summary>
    public const int MaxUnitsPerCommit = 256;

    internal const string BusyMessage = "The database is busy for a moment, so nothing was saved. Please try again in a few seconds.";

    private const string UnitSavepoint = "audit_unit";

    private static readonly AsyncLocal<bool> InsideUnit = new();

    private readonly Channel<WriteUnit> _queue = Channel.CreateUnbounded<WriteUnit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private Task? _writer;

    // The tree's right edge after the last commit through this instance, so an append needs no query to extend it.
    // Only used when the head it was taken at is still the head (another process may have appended since).
    private (long Size, string HeadHash, Merkle.MerkleFrontier Frontier)? _committedEdge;

    // Touched by the writer only: its context (connection kept open between commits) and prepared inserts, and the
    // context the running commit's units share.
    private WriterConnection? _connection;
    private ApplicationDbContext? _unitDb;

    /// <summary>How many commits the writer has made; each carried one or more units.</summary>
    public long Commits { get; private set; }

    /// <summary>Runs <paramref name="work"/> as one unit: its change and entries are durable when the task completes.</summary>
    public Task WriteAsync(Func<ApplicationDbContext, AuditScope, CancellationToken, Task> work, CancellationToken cancellationToken = default) =>
        WriteAsync<bool>(async (db, audit, ct) =>
        {
            await work(db, audit, ct);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> as one unit on the writer's context and transaction, saves the context's changes, and
    /// returns the unit's result once the commit that carries it is durable. Throws what the unit threw (nothing of it
    /// is stored), or the commit's error.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<ApplicationDbContext, AuditScope, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        if (InsideUnit.Value)
        {
            // The writer runs one unit at a time: a unit waiting for another unit would wait for itself.
            throw new InvalidOperationException("A unit of work cannot start another; add the entries to the scope it was given.");
        }

        var unit = new WriteUnit<T>(work, cancellationToken);
        EnsureWriter();
        if (!_queue.Writer.TryWrite(unit))
        {
            throw new ObjectDisposedException(nameof(AuditLog));
        }

        return await unit.Completion;
    }

    /// <summary>Takes no more units; those already queued still commit.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is { } writer)
        {
            await writer;
        }
    }

    /// <summary>Takes no more units, without waiting for the ones queued (a synchronous container disposal).</summary>
    public void Dispose() => _queue.Writer.TryComplete();

    private void EnsureWriter()
    {
        if (_writer is not null)
        {
            return;
        }

        lock (_startLock)
        {
            if (_writer is null)
            {
                // The writer belongs to no caller: it must not carry the first caller's culture or other ambient state.
                using (ExecutionContext.SuppressFlow())
                {
                    _writer = Task.Run(WriteLoopAsync);
                }
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<WriteUnit>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxUnitsPerCommit && _queue.Reader.TryRead(out var unit))
            {
                batch.Add(unit);
            }

            try
            {
                await CommitAsync(batch);
            }
            catch (Exception error)
            {
                // Never let the writer stop: every later append would wait for ever. The batch's callers hear why.
                foreach (var unit in batch)
                {
                    unit.Fail(error);
                }
            }

            batch.Clear();
        }

        _connection?.Dispose();
    }

    private async Task CommitAsync(List<WriteUnit> batch)
    {
        var ran = new List<WriteUnit>(batch.Count);
        try
        {
            var connection = _connection ??= await WriterConnection.OpenAsync(dbFactory);
            var db = connection.Db;
            await using var transaction = await db.Database.BeginTransactionAsync();
            await connection.LockAppendsAsync();
            // With the write lock held: if no other connection has committed since this writer's last commit, the head
            // this writer committed is still the head and needs no query.
            var chain = new AuditChain(connection, this, await connection.NothingCommittedElsewhereAsync() ? _committedEdge : null);
            // A unit alone needs no savepoint: if it fails, the whole transaction is rolled back.
            var alone = batch.Count == 1;
            foreach (var unit in batch)
            {
                if (unit.CancellationToken.IsCancellationRequested)
                {
                    unit.Cancel();
                    continue;
                }

                if (!alone)
                {
                    await transaction.CreateSavepointAsync(UnitSavepoint);
                }

                var mark = chain.Mark();
                try
                {
                    await RunAsync(unit, db, transaction, chain);
                    if (!alone)
                    {
                        await transaction.ReleaseSavepointAsync(UnitSavepoint);
                    }

                    ran.Add(unit);
                }
                catch (Exception error)
                {
                    // The caller hears its own error even if undoing it fails below (then every other unit fails too).
                    unit.Fail(error);
                    chain.Reset(mark);
                    // Only this unit's writes go; if the transaction itself is gone, this throws and every unit fails below.
                    if (alone)
                    {
                        await transaction.RollbackAsync();
                    }
                    else
                    {
                        await transaction.RollbackToSavepointAsync(UnitSavepoint);
                        await transaction.ReleaseSavepointAsync(UnitSavepoint);
                    }
                }
            }

            if (ran.Count == 0)
            {
                // Nothing to commit (every unit failed or was cancelled); the transaction is rolled back when disposed.
                await ReleaseUnitContextAsync();
                return;
            }

            await ReleaseUnitContextAsync();
            await transaction.CommitAsync();
            Commits++;
            // Unknown (null) when this commit neither read nor moved the head: the next one reads it.
            _committedEdge = chain.Edge;
        }
        catch (Exception error)
        {
            // Start the next commit afresh: a new connection, the head read again. Closing what may be broken must not
            // hide the error the callers are owed.
            try
            {
                await ReleaseUnitContextAsync();
            }
            catch (Exception)
            {
                _unitDb = null;
            }

            try
            {
                _connection?.Dispose();
            }
            catch (Exception)
            {
                // The connection is dropped either way.
            }

            _connection = null;
            var reported = error is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 }
                // Another process holds the write lock (a backup, a long migration): say so instead of failing or hanging.
                ? new Validation.ActionRefusedException(BusyMessage)
                : error;
            foreach (var unit in batch)
            {
                unit.Fail(reported);
            }

            return;
        }

        foreach (var unit in ran)
        {
            unit.Succeed();
        }
    }

    private async Task RunAsync(WriteUnit unit, ApplicationDbContext batchDb, IDbContextTransaction transaction, AuditChain chain)
    {
        // One context serves the commit's units in turn, emptied after each; a unit that fails takes its context with it.
        var db = _unitDb ??= await JoinAsync(batchDb, transaction);
        var audit = new AuditScope(db, chain, time);
        InsideUnit.Value = true;
        // The unit speaks its caller's language (its refusals are read by that caller).
        CultureInfo.CurrentCulture = unit.Culture;
        CultureInfo.CurrentUICulture = unit.UiCulture;
        try
        {
            await unit.RunAsync(db, audit);
            await db.SaveChangesAsync(unit.CancellationToken);
            await chain.FlushAsync(transaction.GetDbTransaction(), unit.CancellationToken);
            db.ChangeTracker.Clear();
        }
        catch
        {
            await ReleaseUnitContextAsync();
            throw;
        }
        finally
        {
            InsideUnit.Value = false;
            await audit.DetachAsync();
        }
    }

    private async Task<ApplicationDbContext> JoinAsync(ApplicationDbContext batchDb, IDbContextTransaction transaction)
    {
        var db = await dbFactory.CreateDbContextAsync();
        db.Database.SetDbConnection(batchDb.Database.GetDbConnection(), contextOwnsConnection: false);
        await db.Database.UseTransactionAsync(transaction.GetDbTransaction());
        // Each unit's own savepoint already bounds it; SaveChanges need not add another.
        db.Database.AutoSavepointsEnabled = false;
        return db;
    }

    private async Task ReleaseUnitContextAsync()
    {
        if (_unitDb is { } db)
        {
            _unitDb = null;
            await db.Database.UseTransactionAsync(null);
            await db.DisposeAsync();
        }
    }

    internal Merkle.MerkleFrontier? EdgeAt(long size, string headHash) =>
        _committedEdge is { } edge && edge.Size == size && edge.HeadHash == headHash ? edge.Frontier.Clone() : null;

    private abstract class WriteUnit(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;

        public CultureInfo Culture { get; } = CultureInfo.CurrentCulture;

        public CultureInfo UiCulture { get; } = CultureInfo.CurrentUICulture;

        public abstract Task RunAsync(ApplicationDbContext db, AuditScope audit);

        public abstract void Succeed();

        public abstract void Fail(Exception error);

        public abstract void Cancel();
    }

    private sealed class WriteUnit<T>(Func<ApplicationDbContext, AuditScope, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        : WriteUnit(cancellationToken)
    {
        // Callers continue on their own threads, not the writer's.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Completion => _completion.Task;

        public override async Task RunAsync(ApplicationDbContext db, AuditScope audit) => _result = await work(db, audit, CancellationToken);

        public override void Succeed() => _completion.TrySetResult(_result);

        public override void Fail(Exception error)
        {
            if (error is OperationCanceledException && CancellationToken.IsCancellationRequested)
            {
                _completion.TrySetCanceled(CancellationToken);
            }
            else
            {
                _completion.TrySetException(error);
            }
        }

        public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
    }
}

/// <summary>The writer's own context, its connection kept open between commits, and the inserts prepared on it.</summary>
internal sealed class WriterConnection : IDisposable
{
    private long? _dataVersion;

    private WriterConnection(ApplicationDbContext db)
    {
        Db = db;
        var connection = db.Database.GetDbConnection();
        Entries = new PreparedInsert<AuditEntry>(db, connection);
        Nodes = new PreparedInsert<AuditTreeNode>(db, connection);
    }

    public ApplicationDbContext Db { get; }

    public PreparedInsert<AuditEntry> Entries { get; }

    public PreparedInsert<AuditTreeNode> Nodes { get; }

    public static async Task<WriterConnection> OpenAsync(IDbContextFactory<ApplicationDbContext> dbFactory)
    {
        var db = await dbFactory.CreateDbContextAsync();
        try
        {
            await db.Database.OpenConnectionAsync();
            return new WriterConnection(db);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Takes the log's append lock for the current transaction. SQLite has one writer per database file already; on
    /// PostgreSQL every node's writer takes the same transaction-scoped advisory lock, so appends from several nodes
    /// still form one gap-free chain (the head is read after the lock is held).
    /// </summary>
    public async Task LockAppendsAsync()
    {
        if (!Db.Database.IsNpgsql())
        {
            return;
        }

        await using var command = Db.Database.GetDbConnection().CreateCommand();
        command.Transaction = Db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"SELECT pg_advisory_xact_lock({AppendLockKey})";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The advisory lock every node's audit writer holds while it appends ("CDAUDIT" in ASCII).</summary>
    public const long AppendLockKey = 0x43_44_41_55_44_49_54;

    /// <summary>
    /// Asked with the write lock held: true when no other connection has committed since this one's previous commit
    /// (SQLite's <c>data_version</c> changes only for others' commits, so the value now is also the value after this
    /// commit). Other databases: always false, so the head is read.
    /// </summary>
    public async Task<bool> NothingCommittedElsewhereAsync()
    {
        var before = _dataVersion;
        _dataVersion = await DataVersionAsync();
        return before is not null && _dataVersion == before;
    }

    private async Task<long?> DataVersionAsync()
    {
        if (!Db.Database.IsSqlite())
        {
            return null;
        }

        await using var command = Db.Database.GetDbConnection().CreateCommand();
        command.Transaction = Db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = "PRAGMA data_version";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        Entries.Dispose();
        Nodes.Dispose();
        Db.Dispose();
    }
}

/// <summary>The chain's head and tree edge while one commit's units run, and the rows the running unit appended.</summary>
internal sealed class AuditChain(WriterConnection connection, AuditLog log, (long Size, string HeadHash, Merkle.MerkleFrontier Frontier)? knownEdge)
{
    private (long Sequence, string Hash)? _head = knownEdge is { } edge ? (edge.Size, edge.HeadHash) : null;
    private Merkle.MerkleFrontier? _tree = knownEdge?.Frontier.Clone();
    private readonly List<AuditEntry> _entries = [];
    private readonly List<AuditTreeNode> _nodes = [];

    public (long Size, string HeadHash, Merkle.MerkleFrontier Frontier)? Edge =>
        _head is { } head && _tree is not null ? (head.Sequence, head.Hash, _tree.Clone()) : null;

    public async Task<((long Sequence, string Hash) Head, Merkle.MerkleFrontier Tree)> HeadAsync(CancellationToken cancellationToken)
    {
        if (_head is null)
        {
            var db = connection.Db;
            var last = await db.AuditEntries.AsNoTracking()
                .OrderByDescending(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Hash })
                .FirstOrDefaultAsync(cancellationToken);
            var head = last is null ? (0, AuditCanonicalEncoding.GenesisHash) : (last.Sequence, last.Hash);
            var tree = log.EdgeAt(head.Item1, head.Item2);
            if (tree is null)
            {
                var size = head.Item1;
                if (await db.AuditTreeNodes.AnyAsync(n => n.Level == 1 && n.Index >= size / 2, cancellationToken))
                {
                    // The tree reaches past the log's end: entries were removed behind the app's back.
                    throw new Validation.ActionRefusedException(
                        "The audit log is damaged (entries were removed from it), so nothing can be recorded. An operator must restore it from a backup.");
                }

                tree = await AuditTree.FrontierAsync(db, size, head.Item2, cancellationToken);
            }

            (_head, _tree) = (head, tree);
        }

        return (_head.Value, _tree!);
    }

    /// <summary>Chains an entry (and the subtrees it completes) to the head; stored by <see cref="FlushAsync"/>.</summary>
    public void Append(AuditEntry entry, Merkle.MerkleFrontier tree)
    {
        _entries.Add(entry);
        foreach (var (id, hash) in tree.Append(AuditTree.LeafOf(entry.Hash)))
        {
            _nodes.Add(new AuditTreeNode { Level = id.Level, Index = id.Index, Hash = hash });
        }

        _head = (entry.Sequence, entry.Hash);
    }

    /// <summary>Writes the running unit's entries and tree nodes, in its savepoint, with the prepared inserts.</summary>
    public async Task FlushAsync(System.Data.Common.DbTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var entry in _entries)
        {
            await connection.Entries.InsertAsync(entry, transaction, cancellationToken);
        }

        foreach (var node in _nodes)
        {
            await connection.Nodes.InsertAsync(node, transaction, cancellationToken);
        }

        _entries.Clear();
        _nodes.Clear();
    }

    /// <summary>Where the chain stood before a unit, so a unit that fails can be undone.</summary>
    public ((long Sequence, string Hash)? Head, Merkle.MerkleFrontier? Tree) Mark() => (_head, _tree?.Clone());

    public void Reset(((long Sequence, string Hash)? Head, Merkle.MerkleFrontier? Tree) mark)
    {
        (_head, _tree) = mark;
        _entries.Clear();
        _nodes.Clear();
    }
}

/// <summary>What a unit of work appends through: each entry is chained to the one before it, in this commit or earlier.</summary>
public sealed class AuditScope
{
    private readonly ApplicationDbContext _db;
    private readonly AuditChain _chain;
    private readonly TimeProvider _time;
    private readonly List<ApplicationDbContext> _enlisted = [];

    internal AuditScope(ApplicationDbContext db, AuditChain chain, TimeProvider time)
    {
        _db = db;
        _chain = chain;
        _time = time;
    }

    /// <summary>
    /// Joins another context (Identity's <c>UserManager</c> saves through its own) to this unit's connection and
    /// transaction, so what it saves commits or rolls back with the unit. It must not have a connection open, and it is
    /// for this unit only: the unit detaches it when it ends.
    /// </summary>
    public async Task EnlistAsync(ApplicationDbContext other, CancellationToken cancellationToken = default)
    {
        other.Database.SetDbConnection(_db.Database.GetDbConnection(), contextOwnsConnection: false);
        await other.Database.UseTransactionAsync(_db.Database.CurrentTransaction!.GetDbTransaction(), cancellationToken);
        other.Database.AutoSavepointsEnabled = false;
        _enlisted.Add(other);
    }

    internal async Task DetachAsync()
    {
        foreach (var other in _enlisted)
        {
            await other.Database.UseTransactionAsync(null);
        }
    }

    /// <summary>
    /// Adds an entry chained to the current head. It is stored with the unit's other changes when the unit ends. The
    /// filter columns, the resident included, come from the event's facets and are checked against its details by the
    /// verifier.
    /// </summary>
    public async Task<AuditEntry> AppendAsync(string actor, string subject, AuditEvent details, CancellationToken cancellationToken = default)
    {
        var (head, tree) = await _chain.HeadAsync(cancellationToken);
        var entry = new AuditEntry
        {
            Sequence = head.Sequence + 1,
            Timestamp = AuditCanonicalEncoding.Normalise(_time.GetUtcNow().UtcDateTime),
            Actor = actor,
            Action = details.Action,
            Subject = subject,
            Details = JsonSerializer.Serialize(details, details.GetType(), AuditLog.DetailsJson),
            PreviousHash = head.Hash,
        };
        entry.Hash = AuditCanonicalEncoding.ComputeHash(entry);
        details.Facets.ApplyTo(entry);
        // Stored when the unit ends, with the subtrees it completes, in the unit's savepoint.
        _chain.Append(entry, tree);
        return entry;
    }
}
