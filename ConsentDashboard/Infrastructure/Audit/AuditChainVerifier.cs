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
    private static async Task<AuditVerificationResult?> FastPathAsync(ApplicationDbContext db, IProgress<long>? progress, CancellationToken cancellationToken)
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

    private static (long Count, string HeadHash)? Walk(SQLitePCL.sqlite3 handle, IProgress<long>? progress, CancellationToken cancellationToken)
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
            var buffer = new byte[4096];
            Span<byte> previousHash = stackalloc byte[64];
            System.Text.Encoding.ASCII.GetBytes(AuditCanonicalEncoding.GenesisHash, previousHash);
            long expected = 1;
            int step;
            while ((step = SQLitePCL.raw.sqlite3_step(statement)) == SQLitePCL.raw.SQLITE_ROW)
            {
                var hash = SQLitePCL.raw.sqlite3_column_blob(statement, 7);
                var details = SQLitePCL.raw.sqlite3_column_blob(statement, 5);
                var agencyId = SQLitePCL.raw.sqlite3_column_type(statement, 8) == SQLitePCL.raw.SQLITE_NULL ? (int?)null : SQLitePCL.raw.sqlite3_column_int(statement, 8);
                var caseIsNull = SQLitePCL.raw.sqlite3_column_type(statement, 9) == SQLitePCL.raw.SQLITE_NULL;
                var basisIsNull = SQLitePCL.raw.sqlite3_column_type(statement, 10) == SQLitePCL.raw.SQLITE_NULL;
                if (SQLitePCL.raw.sqlite3_column_int64(statement, 0) != expected
                    || !SQLitePCL.raw.sqlite3_column_blob(statement, 6).SequenceEqual(previousHash)
                    || !AuditCanonicalEncoding.HashMatches(expected, SQLitePCL.raw.sqlite3_column_blob(statement, 1),
                        SQLitePCL.raw.sqlite3_column_blob(statement, 2), SQLitePCL.raw.sqlite3_column_blob(statement, 3),
                        SQLitePCL.raw.sqlite3_column_blob(statement, 4), details, previousHash, hash, ref buffer)
                    || !AuditFacets.AgreeWith(details, agencyId, SQLitePCL.raw.sqlite3_column_blob(statement, 9), caseIsNull,
                        SQLitePCL.raw.sqlite3_column_blob(statement, 10), basisIsNull)
                    || hash.Length != 64)
                {
                    return null;
                }

                hash.CopyTo(previousHash);
                if (expected % 10_000 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Report(expected);
                }

                expected++;
            }

            if (step != SQLitePCL.raw.SQLITE_DONE)
            {
                return null;
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
