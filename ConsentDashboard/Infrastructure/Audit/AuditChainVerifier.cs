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

    private sealed record Row(long Sequence, string Timestamp, string Actor, string Action, string Subject, string Details, string PreviousHash,
        string Hash, int? AgencyId, string? CaseNumber, string? LegalBasis);

    /// <summary>
    /// The result for an intact log, or null as soon as anything does not check out. One task reads rows and checks the
    /// links; another hashes them, so both cores work. The channel between them is bounded: memory stays constant.
    /// </summary>
    private static async Task<AuditVerificationResult?> FastPathAsync(ApplicationDbContext db, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var batches = System.Threading.Channels.Channel.CreateBounded<Row[]>(new System.Threading.Channels.BoundedChannelOptions(8)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var hashing = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            await foreach (var batch in batches.Reader.ReadAllAsync(stop.Token))
            {
                foreach (var row in batch)
                {
                    if (!AuditCanonicalEncoding.HashMatches(row.Sequence, AuditCanonicalEncoding.CanonicalFromStored(row.Timestamp), row.Actor,
                            row.Action, row.Subject, row.Details, row.PreviousHash, row.Hash, ref buffer)
                        || !AuditFacets.AgreeWith(row.Details, row.AgencyId, row.CaseNumber, row.LegalBasis))
                    {
                        return false;
                    }
                }
            }

            return true;
        }, stop.Token);

        var reading = ReadAsync(db, batches.Writer, progress, stop.Token);
        var finished = await Task.WhenAny(reading, hashing);
        if (finished == hashing && !await SafeAsync(hashing))
        {
            await stop.CancelAsync();
            await SafeAsync(reading);
            return null;
        }

        var chain = await SafeAsync(reading);
        if (chain is null || !await SafeAsync(hashing))
        {
            await stop.CancelAsync();
            return null;
        }

        progress?.Report(chain.Value.Count);
        return new AuditVerificationResult(chain.Value.Count, chain.Value.Count, chain.Value.HeadHash, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    private static async Task<T?> SafeAsync<T>(Task<T> task)
    {
        try
        {
            return await task;
        }
        catch (OperationCanceledException)
        {
            return default;
        }
    }

    /// <summary>Reads every row in order and checks sequence and links; null when they break.</summary>
    private static async Task<(long Count, string HeadHash)?> ReadAsync(
        ApplicationDbContext db, System.Threading.Channels.ChannelWriter<Row[]> batches, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT "Sequence", "Timestamp", "Actor", "Action", "Subject", "Details", "PreviousHash", "Hash", "AgencyId", "CaseNumber", "LegalBasis"
                FROM "AuditEntries" ORDER BY "Sequence"
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            const int BatchSize = 1024;
            var batch = new List<Row>(BatchSize);
            long expected = 1;
            var previousHash = AuditCanonicalEncoding.GenesisHash;
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = new Row(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetInt32(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10));
                if (row.Sequence != expected || row.PreviousHash != previousHash)
                {
                    batches.Complete();
                    return null;
                }

                batch.Add(row);
                if (batch.Count == BatchSize)
                {
                    await batches.WriteAsync([.. batch], cancellationToken);
                    batch.Clear();
                }

                previousHash = row.Hash;
                if (expected % 10_000 == 0)
                {
                    progress?.Report(expected);
                }

                expected++;
            }

            await batches.WriteAsync([.. batch], cancellationToken);
            batches.Complete();
            return (expected - 1, previousHash);
        }
        finally
        {
            batches.TryComplete();
            if (opened)
            {
                await connection.CloseAsync();
            }
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
