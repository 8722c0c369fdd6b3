using System.Data.Common;
using ConsentDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>What the newest signed checkpoint in the database says about the log.</summary>
public sealed record CheckpointCheck(int Count, long? Sequence, DateTime? SignedAt, string? Problem, long? FailedSequence = null, AuditFailureKind? Failure = null)
{
    public static readonly CheckpointCheck None = new(0, null, null, null);
}

/// <summary>A tree head kept outside the database (an auditor's browser, the witness folder, a saved file), and where from.</summary>
public sealed record TrustedHead(string Source, SignedTreeHead Head);

/// <summary>What one trusted head says about the log: nothing wrong, or the first entry it shows was removed or rewritten.</summary>
public sealed record HeadCheck(string Source, long TreeSize, DateTime? SignedAt, bool Checked, string? Problem, long? FailedSequence = null, AuditFailureKind? Failure = null);

public sealed record IntegrityReport(AuditVerificationResult Chain, CheckpointCheck Checkpoint, IReadOnlyList<HeadCheck> Witnesses)
{
    public bool IsValid => Chain.IsValid && Checkpoint.Problem is null && Witnesses.All(w => w.Problem is null);

    /// <summary>The first entry that fails, whichever check found it: the chain first, then any head against it.</summary>
    public (long Sequence, AuditFailureKind Kind, string Reason)? FirstFailure
    {
        get
        {
            if (Chain.FailedSequence is { } sequence)
            {
                return (sequence, Chain.Failure!.Value, Chain.Reason!);
            }

            var fromHeads = Witnesses.Select(w => (w.FailedSequence, w.Failure, w.Problem))
                .Append((Checkpoint.FailedSequence, Checkpoint.Failure, Checkpoint.Problem))
                .Where(f => f.FailedSequence is not null)
                .OrderBy(f => f.FailedSequence)
                .FirstOrDefault();
            return fromHeads.FailedSequence is { } failed ? (failed, fromHeads.Failure!.Value, fromHeads.Problem!) : null;
        }
    }
}

/// <summary>
/// Full verification: the hash chain entry by entry, recomputing the Merkle tree from the entries on the way; then the
/// newest signed checkpoint in the database and every tree head kept outside it against what was recomputed. The chain
/// alone cannot see its newest entries removed (what is left is still a valid chain); a head can, and a head kept
/// outside the database can even when the intruder also removed the checkpoints.
/// </summary>
public static class AuditIntegrity
{
    public static Task<IntegrityReport> VerifyAsync(
        ApplicationDbContext db, string publicKeyPem, IProgress<long>? progress = null, CancellationToken cancellationToken = default,
        ILogger? logger = null, IReadOnlyList<TrustedHead>? trusted = null) =>
        VerifyAsync(db.Database.GetDbConnection(), AuditLogTables.From(db.Model), publicKeyPem, progress, cancellationToken, logger, trusted);

    /// <summary>The same on a plain connection, with the log's SQL given: how the offline command runs without EF Core.</summary>
    internal static async Task<IntegrityReport> VerifyAsync(
        DbConnection connection, AuditLogTables tables, string publicKeyPem, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default, ILogger? logger = null, IReadOnlyList<TrustedHead>? trusted = null)
    {
        trusted ??= [];
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            return await VerifyOpenAsync(connection, tables, publicKeyPem, progress, cancellationToken, logger, trusted);
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    private static async Task<IntegrityReport> VerifyOpenAsync(
        DbConnection connection, AuditLogTables tables, string publicKeyPem, IProgress<long>? progress, CancellationToken cancellationToken,
        ILogger? logger, IReadOnlyList<TrustedHead> trusted)
    {
        var (latest, count, unreadable) = await NewestCheckpointAsync(connection, tables, cancellationToken);
        var sizes = trusted.Select(t => t.Head.TreeSize).ToList();
        if (latest is { RootHash: not null })
        {
            sizes.Add(latest.Sequence);
        }

        var chain = await AuditChainVerifier.VerifyAsync(connection, tables, progress, cancellationToken, logger, sizes);
        var witnesses = trusted.Select(t => Check(t.Source, t.Head, publicKeyPem, chain)).ToList();
        if (unreadable is not null)
        {
            return new IntegrityReport(chain, new CheckpointCheck(0, null, null, unreadable), witnesses);
        }

        if (latest is null)
        {
            return new IntegrityReport(chain, CheckpointCheck.None, witnesses);
        }

        if (SignedTreeHead.From(latest) is { } head)
        {
            var check = Check("the newest checkpoint in the database", head, publicKeyPem, chain);
            return new IntegrityReport(chain, new CheckpointCheck(count, latest.Sequence, latest.SignedAt, check.Problem, check.FailedSequence, check.Failure), witnesses);
        }

        // A checkpoint signed before the tree existed vouches for its entry's hash.
        string? problem = null;
        (long?, AuditFailureKind?) failure = (null, null);
        if (!AuditCheckpointSigner.IsSignedBy(latest, publicKeyPem))
        {
            problem = $"The newest checkpoint (entry {latest.Sequence}) has a signature that does not verify with the published key: "
                + "it was altered, or signed by another key.";
        }
        else if (chain.IsValid && chain.HeadSequence < latest.Sequence)
        {
            problem = Removed(chain.HeadSequence, latest.Sequence, "a checkpoint", latest.SignedAt);
            failure = (chain.HeadSequence + 1, AuditFailureKind.Missing);
        }
        else if (chain.IsValid)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = tables.SelectHashAt;
            var sequence = command.CreateParameter();
            sequence.ParameterName = "@sequence";
            sequence.Value = latest.Sequence;
            command.Parameters.Add(sequence);
            var hash = await command.ExecuteScalarAsync(cancellationToken) as string;
            if (hash != latest.Hash)
            {
                problem = $"Entry {latest.Sequence} does not have the hash the checkpoint signed: the log was rewritten from there back.";
                failure = (latest.Sequence, AuditFailureKind.Edited);
            }
        }

        return new IntegrityReport(chain, new CheckpointCheck(count, latest.Sequence, latest.SignedAt, problem, failure.Item1, failure.Item2), witnesses);
    }

    /// <summary>One head against the verified chain and the roots recomputed from its entries.</summary>
    private static HeadCheck Check(string source, SignedTreeHead head, string publicKeyPem, AuditVerificationResult chain)
    {
        var signedAt = head.SignedAt;
        if (!head.IsSignedBy(publicKeyPem))
        {
            return new HeadCheck(source, head.TreeSize, signedAt, true,
                $"The tree head from {source} (size {head.TreeSize}) does not verify with the published key: it was altered, or signed by another key.");
        }

        if (!chain.IsValid)
        {
            // The chain's own failure comes first; a head says nothing more until it is mended.
            return new HeadCheck(source, head.TreeSize, signedAt, false, null);
        }

        if (head.TreeSize > chain.HeadSequence)
        {
            return new HeadCheck(source, head.TreeSize, signedAt, true, Removed(chain.HeadSequence, head.TreeSize, $"the tree head from {source}", signedAt),
                chain.HeadSequence + 1, AuditFailureKind.Missing);
        }

        if (head.TreeSize > 0 && (chain.RootsAt is null || !chain.RootsAt.TryGetValue(head.TreeSize, out var root) || root != head.RootHash))
        {
            return new HeadCheck(source, head.TreeSize, signedAt, true,
                $"The first {head.TreeSize:N0} entries no longer have the Merkle root the tree head from {source} signed{On(signedAt)}: "
                + $"entry {head.TreeSize} or an earlier one was rewritten and the chain re-hashed after it.",
                head.TreeSize, AuditFailureKind.Edited);
        }

        return new HeadCheck(source, head.TreeSize, signedAt, true, null);
    }

    private static string Removed(long end, long vouched, string what, DateTime? signedAt) =>
        $"The log ends at entry {end}, but {what} signed{On(signedAt)} vouches for {vouched:N0} entries: "
        + (vouched == end + 1 ? $"entry {vouched} was removed." : $"entries {end + 1} to {vouched} were removed.");

    private static string On(DateTime? signedAt) => signedAt is { } at ? $" at {at:yyyy-MM-dd HH:mm:ss} UTC" : "";

    private static async Task<(AuditCheckpoint? Latest, int Count, string? Unreadable)> NewestCheckpointAsync(
        DbConnection connection, AuditLogTables tables, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = tables.CountCheckpoints;
            var count = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            command.CommandText = tables.SelectNewestCheckpoint;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return (null, count, null);
            }

            // Read as EF Core reads it: the same typed getters, and every stored time is UTC.
            var latest = new AuditCheckpoint
            {
                Id = reader.GetInt64(0),
                Sequence = reader.GetInt64(1),
                Hash = reader.GetString(2),
                RootHash = reader.IsDBNull(3) ? null : reader.GetString(3),
                SignedAt = DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc),
                Signature = reader.GetString(5),
                KeyId = reader.GetString(6),
            };
            return (latest, count, null);
        }
        catch (Exception unreadable) when (unreadable is DbException or InvalidOperationException or FormatException or InvalidCastException)
        {
            return (null, 0, $"The checkpoints table cannot be read ({unreadable.Message}), so removal of the newest entries could not be checked against it.");
        }
    }
}
