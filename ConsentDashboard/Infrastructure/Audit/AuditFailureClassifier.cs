using System.Data.Common;
using ConsentDashboard.Data;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// The reference verification: walks the log row by row (constant memory) through <see cref="AuditRowSource"/>, which
/// turns any stored value into either an entry or a description of what is wrong with it, and when an entry does not
/// check out works out what happened to it: edited, missing, inserted or reordered. Slower than the fast path of
/// <see cref="AuditChainVerifier"/>, and the judge whenever the two disagree. It never throws for anything stored in the
/// log; a table it cannot read at all is reported as unreadable.
/// </summary>
internal static class AuditFailureClassifier
{
    // How far a renumbered or copied entry is searched for its original position. Only used once a failure is found.
    private const int RenumberSearchWindow = 256;

    // Entries larger than this are not re-hashed at other positions: the app never writes one, so it was edited.
    private const int RenumberSearchMaxBytes = 256 * 1024;

    public static async Task<AuditVerificationResult> VerifyAsync(
        DbConnection connection, AuditLogTables tables, IProgress<long>? progress, CancellationToken cancellationToken, IReadOnlyCollection<long>? rootsAt = null)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        AuditRowSource source;
        try
        {
            source = await AuditRowSource.OpenAsync(connection, tables, cancellationToken);
        }
        catch (DbException unreadable)
        {
            return AuditVerificationResult.CannotRead(unreadable.Message, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }

        await using (source)
        {
            try
            {
                return await WalkAsync(source, progress, started, new Merkle.RootCollector(rootsAt ?? []), cancellationToken);
            }
            catch (DbException unreadable)
            {
                return AuditVerificationResult.CannotRead(unreadable.Message, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
        }
    }

    private static async Task<AuditVerificationResult> WalkAsync(
        AuditRowSource source, IProgress<long>? progress, long started, Merkle.RootCollector roots, CancellationToken cancellationToken)
    {
        await using var cursor = source.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var recent = new RecentHashes(RenumberSearchWindow + 1);
        long checkedCount = 0;
        long expected = 1;
        var previousHash = AuditCanonicalEncoding.GenesisHash;

        while (await cursor.MoveNextAsync())
        {
            var row = cursor.Current;
            var entry = row.Entry;
            var failure = row.Malformed is not null || entry.Sequence != expected || entry.PreviousHash != previousHash
                || AuditCanonicalEncoding.ComputeHash(entry) != entry.Hash
                    ? await ClassifyAsync(row, expected, previousHash, recent, cursor)
                    : null;
            failure ??= AuditFacets.AgreeWith(entry)
                ? null
                : (entry.Sequence, AuditFailureKind.Edited,
                    "Its filter columns (agency, case number, legal basis or resident) were changed and no longer match its hashed details.");
            if (failure is var (sequence, kind, reason))
            {
                return new AuditVerificationResult(checkedCount, expected - 1, previousHash,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started), sequence, kind, reason);
            }

            recent.Add(expected, entry.Hash);
            roots.Add(Convert.FromHexString(entry.Hash));
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
            System.Diagnostics.Stopwatch.GetElapsedTime(started), RootsAt: roots.Roots);
    }

    private static async Task<(long, AuditFailureKind, string)?> ClassifyAsync(
        AuditRowRead row, long expected, string previousHash, RecentHashes recent, IAsyncEnumerator<AuditRowRead> cursor)
    {
        var entry = row.Entry;
        if (entry.Sequence < expected)
        {
            // Sequences are unique and read in order, so this is a row numbered below 1.
            return (entry.Sequence, AuditFailureKind.Inserted,
                $"An entry numbered {entry.Sequence} was inserted: the log starts at entry 1.");
        }

        if (entry.Sequence > expected)
        {
            return (expected, AuditFailureKind.Missing, entry.Sequence == expected + 1
                ? $"Entry {expected} is missing: the log goes from {expected - 1} to {entry.Sequence}."
                : $"Entries {expected} to {entry.Sequence - 1} are missing: the log goes from {expected - 1} to {entry.Sequence}.");
        }

        var position = entry.Sequence;
        if (row.Malformed is { } what)
        {
            return await FollowedByItsOwnOriginalAsync(position, previousHash, cursor)
                ? (position, AuditFailureKind.Inserted,
                    $"Entry {position} was inserted: the entry after it was originally {position} and follows entry {position - 1} (and the inserted row's {what}).")
                : (position, AuditFailureKind.Edited, $"Entry {position} was edited: its {what}.");
        }

        var selfConsistent = AuditCanonicalEncoding.ComputeHash(entry) == entry.Hash;
        if (!selfConsistent)
        {
            var original = FindOriginalSequence(entry);
            if (original is null)
            {
                return await FollowedByItsOwnOriginalAsync(position, previousHash, cursor)
                    ? (position, AuditFailureKind.Inserted,
                        $"Entry {position} was inserted: the entry after it was originally {position} and follows entry {position - 1}.")
                    : (position, AuditFailureKind.Edited, $"Entry {position} was edited: its content no longer matches its hash.");
            }

            if (original < position)
            {
                // Either entries were inserted before it and the rest renumbered, or it is a copy of an entry still in place.
                return recent.HashAt(original.Value) == entry.Hash
                    ? (position, AuditFailureKind.Inserted, $"Entry {position} was inserted: it is a copy of entry {original}.")
                    : (original.Value, AuditFailureKind.Inserted,
                        $"Entry {original} was inserted: the entry now numbered {position} was originally {original}.");
            }

            // The entry was originally later. If its original predecessor still exists further on, entries were
            // swapped; if it is gone, entries were removed and the rest renumbered to hide the gap.
            var predecessor = entry.PreviousHash;
            while (await cursor.MoveNextAsync())
            {
                if (cursor.Current.Entry.Hash == predecessor)
                {
                    return (position, AuditFailureKind.Reordered,
                        $"Entry {position} is out of order: it was originally entry {original}.");
                }
            }

            return (position, AuditFailureKind.Missing,
                $"Entry {position} is missing: the entries after it were renumbered to hide the gap (entry {position} was originally {original}).");
        }

        // The entry is consistent with itself but does not follow its predecessor.
        if (position > 1 && await FollowedByItsOwnOriginalAsync(position, previousHash, cursor))
        {
            return (position, AuditFailureKind.Inserted,
                $"Entry {position} was inserted: the entry after it was originally {position} and follows entry {position - 1}.");
        }

        return position == 1
            ? (1, AuditFailureKind.Edited, "Entry 1 was edited: it does not start from the genesis hash.")
            : (position - 1, AuditFailureKind.Edited,
                $"Entry {position - 1} was edited and re-hashed: entry {position} recorded a different hash for it.");
    }

    /// <summary>The next row is the entry originally at <paramref name="position"/>, pushed one place on by an insertion.</summary>
    private static async Task<bool> FollowedByItsOwnOriginalAsync(long position, string previousHash, IAsyncEnumerator<AuditRowRead> cursor)
    {
        if (!await cursor.MoveNextAsync())
        {
            return false;
        }

        var (next, malformed) = cursor.Current;
        return malformed is null && next.Sequence == position + 1 && next.PreviousHash == previousHash
            && AuditCanonicalEncoding.ComputeHash(next, position) == next.Hash;
    }

    private static long? FindOriginalSequence(AuditEntry entry)
    {
        if (entry.Details.Length + entry.Actor.Length + entry.Subject.Length > RenumberSearchMaxBytes)
        {
            return null;
        }

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

    /// <summary>The stored hashes of the last few verified entries, by sequence.</summary>
    private sealed class RecentHashes(int capacity)
    {
        private readonly string[] _hashes = new string[capacity];
        private long _newest;

        public void Add(long sequence, string hash)
        {
            _hashes[sequence % capacity] = hash;
            _newest = sequence;
        }

        public string? HashAt(long sequence) => sequence > _newest - capacity && sequence <= _newest ? _hashes[sequence % capacity] : null;
    }
}
