using System.Data.Common;
using ConsentDashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ConsentDashboard.Infrastructure.Audit;

public enum AuditFailureKind
{
    /// <summary>The entry's content no longer matches its hash.</summary>
    Edited,

    /// <summary>The entry at this sequence was removed.</summary>
    Missing,

    /// <summary>The entry at this sequence was not part of the original chain.</summary>
    Inserted,

    /// <summary>The entry at this sequence was moved from another position.</summary>
    Reordered,
}

public sealed record AuditVerificationResult(
    long EntriesChecked,
    long HeadSequence,
    string HeadHash,
    TimeSpan Duration,
    long? FailedSequence = null,
    AuditFailureKind? Failure = null,
    string? Reason = null,
    string? Unreadable = null,
    IReadOnlyDictionary<long, string>? RootsAt = null)
{
    /// <summary>True only when every entry was read and checked out: a log that could not be read is never valid.</summary>
    public bool IsValid => FailedSequence is null && Unreadable is null;

    public static AuditVerificationResult CannotRead(string why, TimeSpan duration) =>
        new(0, 0, AuditCanonicalEncoding.GenesisHash, duration, Unreadable: $"The log table is missing or cannot be read: {why}");
}

/// <summary>
/// Verifies the log's hash chain and names the first entry that fails. A fast path reads the rows (SQLite's in place,
/// PostgreSQL's by binary COPY) on every core (<see cref="AuditChainWalk"/>); anything it does not find intact is walked again by
/// <see cref="AuditFailureClassifier"/>, which names what went wrong. If the classifier finds intact what the fast path
/// rejected, the fast path is wrong: that is logged as an error, never passed over. Both read through a plain connection
/// with the SQL of <see cref="AuditLogTables"/>, so the offline command needs no EF Core model.
/// </summary>
public static class AuditChainVerifier
{
    /// <param name="rootsAt">Tree sizes whose Merkle root to recompute from the entries on the way (heads to check).</param>
    public static Task<AuditVerificationResult> VerifyAsync(
        ApplicationDbContext db, IProgress<long>? progress = null, CancellationToken cancellationToken = default, ILogger? logger = null,
        IReadOnlyCollection<long>? rootsAt = null) =>
        VerifyAsync(db.Database.GetDbConnection(), AuditLogTables.From(db.Model), progress, cancellationToken, logger, rootsAt);

    internal static async Task<AuditVerificationResult> VerifyAsync(
        DbConnection connection, AuditLogTables tables, IProgress<long>? progress, CancellationToken cancellationToken, ILogger? logger,
        IReadOnlyCollection<long>? rootsAt)
    {
        var fast = await FastPathAsync(connection, tables, progress, cancellationToken, rootsAt);
        if (fast.Intact is { } intact)
        {
            return intact;
        }

        if (fast.Unavailable is { } why)
        {
            logger?.LogWarning("Audit verification is taking the slow path: {Reason}", why);
        }

        var result = await AuditFailureClassifier.VerifyAsync(connection, tables, progress, cancellationToken, rootsAt);
        if (result.IsValid && fast.SuspectSequence is { } suspect)
        {
            logger?.LogError(
                "The fast verification path rejected entry {Sequence} ({Reason}), but the full check found the whole log intact. "
                + "The full check's result stands; the fast path has a bug.", suspect, fast.SuspectReason);
        }

        return result;
    }

    /// <summary>What the fast path concluded: the log is intact, or an entry looked wrong, or the fast path could not run.</summary>
    internal readonly record struct FastPathResult(AuditVerificationResult? Intact, long? SuspectSequence, string? SuspectReason, string? Unavailable)
    {
        public static FastPathResult Suspect(long sequence, string reason) => new(null, sequence, reason, null);

        public static FastPathResult CannotRun(string reason) => new(null, null, null, reason);
    }

    internal static Task<FastPathResult> FastPathAsync(
        ApplicationDbContext db, IProgress<long>? progress, CancellationToken cancellationToken, IReadOnlyCollection<long>? rootsAt = null,
        int runLevel = AuditChainWalk.DefaultRunLevel, int? workers = null) =>
        FastPathAsync(db.Database.GetDbConnection(), AuditLogTables.From(db.Model), progress, cancellationToken, rootsAt, runLevel, workers);

    internal static async Task<FastPathResult> FastPathAsync(
        DbConnection connection, AuditLogTables tables, IProgress<long>? progress, CancellationToken cancellationToken,
        IReadOnlyCollection<long>? rootsAt = null, int runLevel = AuditChainWalk.DefaultRunLevel, int? workers = null)
    {
        if (connection is not (SqliteConnection or NpgsqlConnection))
        {
            return FastPathResult.CannotRun($"the fast path reads SQLite and PostgreSQL, and the connection is a {connection.GetType().Name}.");
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            var result = connection is SqliteConnection sqlite
                ? AuditChainWalk.Run(sqlite, tables, progress, rootsAt ?? [], cancellationToken, runLevel, workers)
                : AuditChainWalk.Run((NpgsqlConnection)connection, tables, progress, rootsAt ?? [], cancellationToken, runLevel, workers);
            return result.Intact is { } intact ? result with { Intact = intact with { Duration = System.Diagnostics.Stopwatch.GetElapsedTime(started) } } : result;
        }
        catch (SqliteException error)
        {
            return FastPathResult.CannotRun($"SQLite stopped the read: {error.Message}");
        }
        catch (NpgsqlException error)
        {
            return FastPathResult.CannotRun($"PostgreSQL stopped the read: {error.Message}");
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }
}
