using ConsentDashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

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
/// Verifies the log's hash chain and names the first entry that fails. A fast path reads SQLite's rows in place and
/// hashes on a second core (<see cref="SqliteAuditRowReader"/>, <see cref="AuditHashPipeline"/>); anything it does not
/// find intact is walked again by <see cref="AuditFailureClassifier"/>, which names what went wrong. If the classifier
/// finds intact what the fast path rejected, the fast path is wrong: that is logged as an error, never passed over.
/// </summary>
public static class AuditChainVerifier
{
    /// <param name="rootsAt">Tree sizes whose Merkle root to recompute from the entries on the way (heads to check).</param>
    public static async Task<AuditVerificationResult> VerifyAsync(
        ApplicationDbContext db, IProgress<long>? progress = null, CancellationToken cancellationToken = default, ILogger? logger = null,
        IReadOnlyCollection<long>? rootsAt = null)
    {
        var fast = await FastPathAsync(db, progress, cancellationToken, rootsAt);
        if (fast.Intact is { } intact)
        {
            return intact;
        }

        if (fast.Unavailable is { } why)
        {
            logger?.LogWarning("Audit verification is taking the slow path: {Reason}", why);
        }

        var result = await AuditFailureClassifier.VerifyAsync(db, progress, cancellationToken, rootsAt);
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

    internal static async Task<FastPathResult> FastPathAsync(
        ApplicationDbContext db, IProgress<long>? progress, CancellationToken cancellationToken, IReadOnlyCollection<long>? rootsAt = null)
    {
        if (db.Database.GetDbConnection() is not SqliteConnection connection)
        {
            return FastPathResult.CannotRun($"the fast path reads SQLite only, and the database is {db.Database.ProviderName}.");
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            var result = Walk(db, connection, progress, cancellationToken, rootsAt);
            return result.Intact is { } intact ? result with { Intact = intact with { Duration = System.Diagnostics.Stopwatch.GetElapsedTime(started) } } : result;
        }
        catch (SqliteException error)
        {
            return FastPathResult.CannotRun($"SQLite stopped the read: {error.Message}");
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>
    /// One core steps through the rows and checks sequence, links and filter columns; the pipeline hashes on the other.
    /// </summary>
    private static FastPathResult Walk(
        ApplicationDbContext db, SqliteConnection connection, IProgress<long>? progress, CancellationToken cancellationToken, IReadOnlyCollection<long>? rootsAt)
    {
        using var reader = SqliteAuditRowReader.TryOpen(db, connection, out var problem);
        if (reader is null)
        {
            return FastPathResult.CannotRun($"SQLite refused the query: {problem}");
        }

        var roots = new Merkle.RootCollector(rootsAt ?? []);
        using var hashes = new AuditHashPipeline(cancellationToken, roots);
        Span<byte> previousHash = stackalloc byte[64];
        System.Text.Encoding.ASCII.GetBytes(AuditCanonicalEncoding.GenesisHash, previousHash);
        long expected = 1;
        try
        {
            while (reader.Read(connection))
            {
                var hash = reader.Hash;
                if (reader.Sequence != expected)
                {
                    return FastPathResult.Suspect(expected, $"the row found there has sequence {reader.Sequence}");
                }

                if (!reader.HasTheTypesTheAppWrites())
                {
                    return FastPathResult.Suspect(expected, "a column holds a value of a type the app never writes there");
                }

                if (hash.Length != 64 || !AuditCanonicalEncoding.IsLowerHex(hash) || !reader.PreviousHash.SequenceEqual(previousHash))
                {
                    return FastPathResult.Suspect(expected, "its previous hash is not the hash of the entry before it");
                }

                if (!reader.FacetsAgree())
                {
                    return FastPathResult.Suspect(expected, "its filter columns disagree with its details");
                }

                var actor = reader.Actor;
                var action = reader.Action;
                var subject = reader.Subject;
                var details = reader.Details;
                var target = hashes.Reserve(AuditCanonicalEncoding.CanonicalLengthBound(actor.Length, action.Length, subject.Length, details.Length));
                var written = AuditCanonicalEncoding.WriteCanonical(target, expected, reader.Timestamp, actor, action, subject, details, previousHash);
                if (written < 0 || !hashes.Add(expected, written, hash))
                {
                    return FastPathResult.Suspect(expected, "its stored timestamp or hash is not in the form the fast path reads");
                }

                hash.CopyTo(previousHash);
                if (expected % 10_000 == 0)
                {
                    progress?.Report(expected);
                }

                expected++;
            }
        }
        catch (OperationCanceledException) when (hashes.Stopped.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The hashing core found a mismatch and stopped the pipeline; Complete below says which entry.
        }

        if (hashes.Complete() is { } mismatch)
        {
            return FastPathResult.Suspect(mismatch, "its content does not match its hash");
        }

        progress?.Report(expected - 1);
        var head = expected - 1;
        return new FastPathResult(
            new AuditVerificationResult(head, head, System.Text.Encoding.ASCII.GetString(previousHash), TimeSpan.Zero, RootsAt: roots.Roots), null, null, null);
    }
}
