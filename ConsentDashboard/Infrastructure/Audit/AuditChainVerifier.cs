using ConsentDashboard.Data;
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
    string? Reason = null)
{
    public bool IsValid => FailedSequence is null;
}

/// <summary>
/// Walks the log in sequence order, one entry at a time (constant memory), and names the first entry that fails.
/// </summary>
public static class AuditChainVerifier
{
    // How far a renumbered entry is searched for its original position. Only used once a failure is found.
    private const int RenumberSearchWindow = 256;

    public static async Task<AuditVerificationResult> VerifyAsync(
        ApplicationDbContext db, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        // The fast path reads rows directly and hashes without allocating; only a log that fails is walked again with
        // the slower path below, which names what went wrong.
        if (await FastPathAsync(db, progress, cancellationToken) is { } intact)
        {
            return intact;
        }

        return await ClassifyingPathAsync(db, progress, cancellationToken);
    }

    /// <summary>
    /// The result for an intact log, or null as soon as anything does not check out (or the database is not SQLite).
    /// Reads each row's UTF-8 column bytes straight from SQLite and hashes them in place: nothing is allocated per entry.
    /// </summary>
    internal static async Task<AuditVerificationResult?> FastPathAsync(ApplicationDbContext db, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection() is not Microsoft.Data.Sqlite.SqliteConnection connection)
        {
            return null;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            return Walk(connection.Handle!, progress, cancellationToken) is { } head
                ? new AuditVerificationResult(head.Count, head.Count, head.HeadHash, System.Diagnostics.Stopwatch.GetElapsedTime(started))
                : null;
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>A run of entries' canonical bytes and stored hashes, handed from the reading core to the hashing core.</summary>
    private sealed class Batch
    {
        public const int Capacity = 1024;
        public byte[] Arena = new byte[1 << 20];
        public readonly int[] Ends = new int[Capacity];
        public readonly byte[] Hashes = new byte[32 * Capacity];
        public int Count;
        public int Used;
    }

    /// <summary>
    /// One core steps through the rows, checks sequence, links and filter columns, and lays each entry's canonical bytes
    /// into a reused batch; the other hashes the batches. Four batches circulate, so memory is constant.
    /// </summary>
    private static (long Count, string HeadHash)? Walk(SQLitePCL.sqlite3 handle, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var full = new System.Collections.Concurrent.BlockingCollection<Batch>(4);
        using var free = new System.Collections.Concurrent.BlockingCollection<Batch>(4);
        for (var i = 0; i < 4; i++)
        {
            free.Add(new Batch(), cancellationToken);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var hashing = Task.Run(() =>
        {
            Span<byte> digest = stackalloc byte[32];
            foreach (var batch in full.GetConsumingEnumerable(stop.Token))
            {
                var start = 0;
                for (var i = 0; i < batch.Count; i++)
                {
                    System.Security.Cryptography.SHA256.HashData(batch.Arena.AsSpan(start, batch.Ends[i] - start), digest);
                    if (!digest.SequenceEqual(batch.Hashes.AsSpan(32 * i, 32)))
                    {
                        // Unblocks the reader, which may be waiting for a free batch.
                        stop.Cancel();
                        return false;
                    }

                    start = batch.Ends[i];
                }

                batch.Count = 0;
                batch.Used = 0;
                free.Add(batch, stop.Token);
            }

            return true;
        }, stop.Token);

        try
        {
            var head = Read(handle, full, free, progress, stop.Token);
            full.CompleteAdding();
            if (head is null || !hashing.GetAwaiter().GetResult())
            {
                return null;
            }

            return head;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            stop.Cancel();
            full.CompleteAdding();
            try
            {
                hashing.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
                // Cancelled after the result was known.
            }
        }
    }

    private static (long Count, string HeadHash)? Read(
        SQLitePCL.sqlite3 handle, System.Collections.Concurrent.BlockingCollection<Batch> full, System.Collections.Concurrent.BlockingCollection<Batch> free,
        IProgress<long>? progress, CancellationToken cancellationToken)
    {
        const string Sql = """
            SELECT "Sequence", "Timestamp", "Actor", "Action", "Subject", "Details", "PreviousHash", "Hash", "AgencyId", "CaseNumber", "LegalBasis"
            FROM "AuditEntries" ORDER BY "Sequence"
            """;
        if (SQLitePCL.raw.sqlite3_prepare_v2(handle, Sql, out var statement) != SQLitePCL.raw.SQLITE_OK)
        {
            statement.Dispose();
            return null;
        }

        using (statement)
        {
            Span<byte> previousHash = stackalloc byte[64];
            System.Text.Encoding.ASCII.GetBytes(AuditCanonicalEncoding.GenesisHash, previousHash);
            var batch = free.Take(cancellationToken);
            long expected = 1;
            int step;
            while ((step = SQLitePCL.raw.sqlite3_step(statement)) == SQLitePCL.raw.SQLITE_ROW)
            {
                var hash = SQLitePCL.raw.sqlite3_column_blob(statement, 7);
                var details = SQLitePCL.raw.sqlite3_column_blob(statement, 5);
                var actor = SQLitePCL.raw.sqlite3_column_blob(statement, 2);
                var action = SQLitePCL.raw.sqlite3_column_blob(statement, 3);
                var subject = SQLitePCL.raw.sqlite3_column_blob(statement, 4);
                var agencyId = SQLitePCL.raw.sqlite3_column_type(statement, 8) == SQLitePCL.raw.SQLITE_NULL ? (int?)null : SQLitePCL.raw.sqlite3_column_int(statement, 8);
                if (SQLitePCL.raw.sqlite3_column_int64(statement, 0) != expected
                    || hash.Length != 64
                    || !SQLitePCL.raw.sqlite3_column_blob(statement, 6).SequenceEqual(previousHash)
                    || !AuditFacets.AgreeWith(details, agencyId,
                        SQLitePCL.raw.sqlite3_column_blob(statement, 9), SQLitePCL.raw.sqlite3_column_type(statement, 9) == SQLitePCL.raw.SQLITE_NULL,
                        SQLitePCL.raw.sqlite3_column_blob(statement, 10), SQLitePCL.raw.sqlite3_column_type(statement, 10) == SQLitePCL.raw.SQLITE_NULL))
                {
                    return null;
                }

                var bound = AuditCanonicalEncoding.CanonicalLengthBound(actor.Length, action.Length, subject.Length, details.Length);
                if (batch.Count == Batch.Capacity || batch.Used + bound > batch.Arena.Length)
                {
                    if (batch.Count > 0)
                    {
                        full.Add(batch, cancellationToken);
                        batch = free.Take(cancellationToken);
                    }

                    if (bound > batch.Arena.Length)
                    {
                        batch.Arena = new byte[bound];
                    }
                }

                var written = AuditCanonicalEncoding.WriteCanonical(batch.Arena.AsSpan(batch.Used), expected,
                    SQLitePCL.raw.sqlite3_column_blob(statement, 1), actor, action, subject, details, previousHash);
                if (written < 0 || !AuditCanonicalEncoding.TryDecodeHex(hash, batch.Hashes.AsSpan(32 * batch.Count, 32)))
                {
                    return null;
                }

                batch.Used += written;
                batch.Ends[batch.Count++] = batch.Used;
                hash.CopyTo(previousHash);
                if (expected % 10_000 == 0)
                {
                    progress?.Report(expected);
                }

                expected++;
            }

            if (step != SQLitePCL.raw.SQLITE_DONE)
            {
                return null;
            }

            if (batch.Count > 0)
            {
                full.Add(batch, cancellationToken);
            }

            progress?.Report(expected - 1);
            return (expected - 1, System.Text.Encoding.ASCII.GetString(previousHash));
        }
    }

    private static async Task<AuditVerificationResult> ClassifyingPathAsync(
        ApplicationDbContext db, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var entries = db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable();
        await using var cursor = entries.GetAsyncEnumerator(cancellationToken);

        long checkedCount = 0;
        long expected = 1;
        var previousHash = AuditCanonicalEncoding.GenesisHash;

        while (await cursor.MoveNextAsync())
        {
            var entry = cursor.Current;
            var failure = entry.Sequence != expected || entry.PreviousHash != previousHash
                || AuditCanonicalEncoding.ComputeHash(entry) != entry.Hash
                    ? await ClassifyAsync(entry, expected, previousHash, cursor)
                    : null;
            failure ??= AuditFacets.AgreeWith(entry)
                ? null
                : (entry.Sequence, AuditFailureKind.Edited,
                    "Its filter columns (agency, case number or legal basis) were changed and no longer match its hashed details.");
            if (failure is var (sequence, kind, reason))
            {
                return new AuditVerificationResult(checkedCount, expected - 1, previousHash,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started), sequence, kind, reason);
            }

            checkedCount++;
            expected++;
            previousHash = entry.Hash;
            if (checkedCount % 10_000 == 0)
            {
                progress?.Report(checkedCount);
            }
        }

        progress?.Report(checkedCount);
        return new AuditVerificationResult(checkedCount, expected - 1, previousHash,
            System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    private static async Task<(long, AuditFailureKind, string)?> ClassifyAsync(
        AuditEntry entry, long expected, string previousHash, IAsyncEnumerator<AuditEntry> cursor)
    {
        if (entry.Sequence > expected)
        {
            return (expected, AuditFailureKind.Missing, entry.Sequence == expected + 1
                ? $"Entry {expected} is missing: the log goes from {expected - 1} to {entry.Sequence}."
                : $"Entries {expected} to {entry.Sequence - 1} are missing: the log goes from {expected - 1} to {entry.Sequence}.");
        }

        var position = entry.Sequence;
        var selfConsistent = AuditCanonicalEncoding.ComputeHash(entry) == entry.Hash;
        if (!selfConsistent)
        {
            var original = FindOriginalSequence(entry);
            if (original is null)
            {
                return (position, AuditFailureKind.Edited,
                    $"Entry {position} was edited: its content no longer matches its hash.");
            }

            if (original < position)
            {
                return (original.Value, AuditFailureKind.Inserted,
                    $"Entry {original} was inserted: the entry now numbered {position} was originally {original}.");
            }

            // The entry was originally later. If its original predecessor still exists further on, entries were
            // swapped; if it is gone, entries were removed and the rest renumbered to hide the gap.
            var predecessor = entry.PreviousHash;
            while (await cursor.MoveNextAsync())
            {
                if (cursor.Current.Hash == predecessor)
                {
                    return (position, AuditFailureKind.Reordered,
                        $"Entry {position} is out of order: it was originally entry {original}.");
                }
            }

            return (position, AuditFailureKind.Missing,
                $"Entry {position} is missing: the entries after it were renumbered to hide the gap (entry {position} was originally {original}).");
        }

        // The entry is consistent with itself but does not follow its predecessor.
        if (position > 1 && await cursor.MoveNextAsync())
        {
            var next = cursor.Current;
            if (AuditCanonicalEncoding.ComputeHash(next) != next.Hash
                && next.PreviousHash == previousHash
                && AuditCanonicalEncoding.ComputeHash(next, next.Sequence - 1) == next.Hash)
            {
                return (position, AuditFailureKind.Inserted,
                    $"Entry {position} was inserted: the entry after it was originally {position} and follows entry {position - 1}.");
            }
        }

        return position == 1
            ? (1, AuditFailureKind.Edited, "Entry 1 was edited: it does not start from the genesis hash.")
            : (position - 1, AuditFailureKind.Edited,
                $"Entry {position - 1} was edited and re-hashed: entry {position} recorded a different hash for it.");
    }

    private static long? FindOriginalSequence(AuditEntry entry)
    {
        for (var offset = 1; offset <= RenumberSearchWindow; offset++)
        {
            if (entry.Sequence - offset >= 1 && AuditCanonicalEncoding.ComputeHash(entry, entry.Sequence - offset) == entry.Hash)
            {
                return entry.Sequence - offset;
            }

            if (AuditCanonicalEncoding.ComputeHash(entry, entry.Sequence + offset) == entry.Hash)
            {
                return entry.Sequence + offset;
            }
        }

        return null;
    }
}
