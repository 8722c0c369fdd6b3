using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Audit.Merkle;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// The Merkle tree over the log, as stored: leaves are the entries' hashes in sequence order (leaf <c>i</c> is entry
/// <c>i + 1</c>), complete subtrees above them are <see cref="AuditTreeNode"/> rows. Proofs read O(log n) rows in two
/// queries.
/// </summary>
public static class AuditTree
{
    /// <summary>The leaf hash of an entry: <c>SHA-256(0x00 ‖ the entry's 32-byte hash)</c>.</summary>
    public static byte[] LeafOf(string entryHashHex)
    {
        Span<byte> raw = stackalloc byte[MerkleTree.HashSize];
        // A stored hash that is not 64 hex digits was tampered with (verification names it); it still gets a leaf.
        return Convert.FromHexString(entryHashHex, raw, out _, out var written) == System.Buffers.OperationStatus.Done && written == raw.Length
            ? MerkleTree.LeafHash(raw)
            : MerkleTree.LeafHash(System.Text.Encoding.UTF8.GetBytes(entryHashHex));
    }

    /// <summary>The right edge of the tree of the first <paramref name="size"/> entries, the newest of which has <paramref name="headHash"/>.</summary>
    public static async Task<MerkleFrontier> FrontierAsync(ApplicationDbContext db, long size, string headHash, CancellationToken cancellationToken)
    {
        if (size == 0)
        {
            return new MerkleFrontier();
        }

        var edge = MerkleFrontier.EdgeOf(size).ToList();
        var known = new Dictionary<MerkleNodeId, byte[]>();
        if (edge[^1].Level == 0)
        {
            known[edge[^1]] = LeafOf(headHash);
        }

        await FetchAsync(db, edge.Where(id => !known.ContainsKey(id)), known, cancellationToken);
        return MerkleFrontier.Restore(size, edge.Select(id => known[id]).ToList());
    }

    /// <summary>The root hash of the first <paramref name="size"/> entries, from the stored tree.</summary>
    public static async Task<byte[]> RootAsync(ApplicationDbContext db, long size, CancellationToken cancellationToken)
    {
        var ranges = new[] { new MerkleRange(0, size) };
        return (await HashesAsync(db, ranges, cancellationToken))[0];
    }

    /// <summary>The audit path of entry <paramref name="sequence"/> in the tree of the first <paramref name="treeSize"/> entries.</summary>
    public static Task<IReadOnlyList<byte[]>> InclusionProofAsync(ApplicationDbContext db, long sequence, long treeSize, CancellationToken cancellationToken) =>
        HashesAsync(db, MerkleTree.InclusionRanges(sequence - 1, treeSize), cancellationToken);

    /// <summary>The proof that the tree of <paramref name="newSize"/> entries extends the one of <paramref name="oldSize"/>.</summary>
    public static Task<IReadOnlyList<byte[]>> ConsistencyProofAsync(ApplicationDbContext db, long oldSize, long newSize, CancellationToken cancellationToken) =>
        HashesAsync(db, MerkleTree.ConsistencyRanges(oldSize, newSize), cancellationToken);

    private static async Task<IReadOnlyList<byte[]>> HashesAsync(ApplicationDbContext db, IReadOnlyList<MerkleRange> ranges, CancellationToken cancellationToken)
    {
        var known = new Dictionary<MerkleNodeId, byte[]>();
        await FetchAsync(db, ranges.SelectMany(r => MerkleTree.CompleteSubtrees(r.Start, r.End)).Distinct(), known, cancellationToken);
        return ranges.Select(r => MerkleTree.RangeHash(r, id => known[id])).ToList();
    }

    private static async Task FetchAsync(ApplicationDbContext db, IEnumerable<MerkleNodeId> ids, Dictionary<MerkleNodeId, byte[]> into, CancellationToken cancellationToken)
    {
        var wanted = ids.ToList();
        var sequences = wanted.Where(id => id.Level == 0).Select(id => id.Index + 1).ToList();
        if (sequences.Count > 0)
        {
            foreach (var entry in await db.AuditEntries.AsNoTracking().Where(e => sequences.Contains(e.Sequence)).Select(e => new { e.Sequence, e.Hash }).ToListAsync(cancellationToken))
            {
                into[new MerkleNodeId(0, entry.Sequence - 1)] = LeafOf(entry.Hash);
            }
        }

        var inner = wanted.Where(id => id.Level > 0).ToList();
        if (inner.Count > 0)
        {
            // One query for all: the cross product of the levels and indexes asked for is small, and each is a key lookup.
            var levels = inner.Select(id => id.Level).Distinct().ToList();
            var indexes = inner.Select(id => id.Index).Distinct().ToList();
            var rows = await db.AuditTreeNodes.AsNoTracking().Where(n => levels.Contains(n.Level) && indexes.Contains(n.Index)).ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                into[new MerkleNodeId(row.Level, row.Index)] = row.Hash;
            }
        }

        if (wanted.Where(id => !into.ContainsKey(id)).Select(id => (MerkleNodeId?)id).FirstOrDefault() is { } missing)
        {
            throw new InvalidOperationException(
                $"The stored Merkle tree has no node at level {missing.Level}, index {missing.Index}: the tree or the log is incomplete.");
        }
    }

    /// <summary>
    /// Builds whatever part of the tree is not stored yet (a log written before the tree existed), under the log's append
    /// lock. Nodes are only ever added; nothing stored is changed.
    /// </summary>
    public static Task<int> CompleteAsync(AuditLog log, CancellationToken cancellationToken = default) =>
        log.WriteAsync(async (db, _, cancellationToken) =>
        {
            var size = await db.AuditEntries.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;
            var stored = await db.AuditTreeNodes.GroupBy(n => n.Level).Select(g => new { g.Key, Count = g.LongCount() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
            var complete = Enumerable.Range(1, 62).All(level => stored.GetValueOrDefault(level) == size >> level);
            if (complete)
            {
                return 0;
            }

            var frontier = new MerkleFrontier();
            var added = 0;
            await foreach (var hash in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).Select(e => e.Hash).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                foreach (var (id, node) in frontier.Append(LeafOf(hash)))
                {
                    if (id.Index >= stored.GetValueOrDefault(id.Level))
                    {
                        db.AuditTreeNodes.Add(new AuditTreeNode { Level = id.Level, Index = id.Index, Hash = node });
                        added++;
                    }
                }
            }

            return added;
        }, cancellationToken);
}
