using ConsentDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// The reference verification: walks the log through EF Core, one entry at a time (constant memory), and when an entry
/// does not check out works out what happened to it: edited, missing, inserted or reordered. Slower than the fast path
/// of <see cref="AuditChainVerifier"/>, and the judge whenever the two disagree.
/// </summary>
internal static class AuditFailureClassifier
{
    // How far a renumbered entry is searched for its original position. Only used once a failure is found.
    private const int RenumberSearchWindow = 256;

    public static async Task<AuditVerificationResult> VerifyAsync(
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
                    "Its filter columns (agency, case number, legal basis or resident) were changed and no longer match its hashed details.");
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
