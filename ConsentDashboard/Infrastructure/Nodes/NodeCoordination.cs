using System.Security.Cryptography;
using System.Text;
using ConsentDashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Infrastructure.Nodes;

/// <summary>
/// Work that must not run on two app nodes at once. On SQLite the app is one process and everything simply runs. On
/// PostgreSQL a session advisory lock names the work: a node that cannot take it leaves the work to the node that holds
/// it, and periodic work also records its tick, so a tick one node has run is skipped by the others.
/// </summary>
public sealed class NodeCoordination(IDbContextFactory<ApplicationDbContext> dbFactory, IOptions<ConsentDashboardOptions> options, TimeProvider time)
{
    private readonly bool _shared = options.Value.Database.Provider == DatabaseProvider.PostgreSql;

    /// <summary>
    /// Runs <paramref name="run"/> unless another node is running it now or has run it in tick <paramref name="tick"/>.
    /// A run that throws records nothing, so the next node to wake (or the next tick) tries again.
    /// </summary>
    /// <returns>Whether this node ran it.</returns>
    public async Task<bool> RunOncePerTickAsync(string work, long tick, Func<Task> run, CancellationToken cancellationToken = default)
    {
        if (!_shared)
        {
            await run();
            return true;
        }

        await using var db = (PostgreSqlDbContext)await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var held = await TryLockAsync(db, work, cancellationToken);
        if (held is null)
        {
            return false;
        }

        var last = await db.PeriodicWorkRuns.AsNoTracking().Where(r => r.Work == work).Select(r => (long?)r.Tick).SingleOrDefaultAsync(cancellationToken);
        if (last >= tick)
        {
            return false;
        }

        await run();
        var record = await db.PeriodicWorkRuns.SingleOrDefaultAsync(r => r.Work == work, CancellationToken.None);
        if (record is null)
        {
            db.PeriodicWorkRuns.Add(record = new PeriodicWorkRun { Work = work });
        }

        record.Tick = tick;
        record.RanAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(CancellationToken.None);
        return true;
    }

    /// <summary>
    /// Holds <paramref name="work"/> for this node until the result is disposed, or returns null when another node holds
    /// it. On SQLite it is always granted.
    /// </summary>
    public async Task<IAsyncDisposable?> TryHoldAsync(string work, CancellationToken cancellationToken = default)
    {
        if (!_shared)
        {
            return NothingHeld.Instance;
        }

        var db = (PostgreSqlDbContext)await dbFactory.CreateDbContextAsync(cancellationToken);
        var held = await TryLockAsync(db, work, cancellationToken);
        if (held is null)
        {
            await db.DisposeAsync();
            return null;
        }

        return new HeldWithContext(held, db);
    }

    /// <summary>The advisory lock's key for a piece of work: the first 8 bytes of a SHA-256 of its name, the same on every node.</summary>
    internal static long LockKey(string work) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"consentdashboard/work/{work}")), 0);

    private static async Task<AdvisoryLock?> TryLockAsync(ApplicationDbContext db, string work, CancellationToken cancellationToken)
    {
        var key = LockKey(work);
        // The session lock lives on this connection: it stays open until the lock is given back.
        await db.Database.OpenConnectionAsync(cancellationToken);
        var taken = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({key}) AS \"Value\"").SingleAsync(cancellationToken);
        return taken ? new AdvisoryLock(db, key) : null;
    }

    private sealed class AdvisoryLock(ApplicationDbContext db, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Said outright: a pooled connection is returned, not closed, and the session (with its lock) lives on.
                await db.Database.SqlQuery<bool>($"SELECT pg_advisory_unlock({key}) AS \"Value\"").SingleAsync(CancellationToken.None);
            }
            catch (System.Data.Common.DbException)
            {
                // The connection broke: the server ended the session, and its locks with it.
            }

            await db.Database.CloseConnectionAsync();
        }
    }

    private sealed class HeldWithContext(AdvisoryLock held, ApplicationDbContext db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await held.DisposeAsync();
            await db.DisposeAsync();
        }
    }

    private sealed class NothingHeld : IAsyncDisposable
    {
        public static readonly NothingHeld Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
