using System.Numerics;
using System.Security.Cryptography;

namespace ConsentDashboard.Infrastructure.Audit.Merkle;

/// <summary>A complete subtree: leaves <c>[Index·2^Level, (Index+1)·2^Level)</c>. Level 0 is one leaf.</summary>
public readonly record struct MerkleNodeId(int Level, long Index)
{
    public long Start => Index << Level;

    public long End => (Index + 1) << Level;
}

/// <summary>A run of leaves <c>[Start, End)</c> whose Merkle tree hash is one element of a proof.</summary>
public readonly record struct MerkleRange(long Start, long End);

/// <summary>
/// The Merkle tree of RFC 9162 §2.1 (the same as RFC 6962 §2.1) with SHA-256: leaf hash <c>SHA-256(0x00 ‖ leaf)</c>,
/// node hash <c>SHA-256(0x01 ‖ left ‖ right)</c>, the empty tree's hash <c>SHA-256("")</c>. Proofs are built as lists of
/// leaf ranges, so a caller fetches each range's hash from wherever it keeps complete subtrees.
/// </summary>
public static class MerkleTree
{
    public const int HashSize = 32;

    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        var buffer = leaf.Length <= 256 ? stackalloc byte[1 + leaf.Length] : new byte[1 + leaf.Length];
        buffer[0] = 0x00;
        leaf.CopyTo(buffer[1..]);
        return SHA256.HashData(buffer);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * HashSize];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The largest power of two smaller than <paramref name="n"/> (n ≥ 2): where RFC 9162 splits a tree.</summary>
    public static long Split(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    /// <summary>
    /// The complete subtrees that make up <c>[start, end)</c>, left to right. Every range a proof names starts at a
    /// multiple of a power of two at least its length, so these are the stored nodes its hash is computed from.
    /// </summary>
    public static IEnumerable<MerkleNodeId> CompleteSubtrees(long start, long end)
    {
        while (start < end)
        {
            var level = 63 - BitOperations.LeadingZeroCount((ulong)(end - start));
            if (start != 0)
            {
                level = Math.Min(level, BitOperations.TrailingZeroCount(start));
            }

            yield return new MerkleNodeId(level, start >> level);
            start += 1L << level;
        }
    }

    /// <summary>The hash of the tree over leaves <c>[start, end)</c>, from the hashes of its complete subtrees.</summary>
    public static byte[] RangeHash(MerkleRange range, Func<MerkleNodeId, byte[]> node)
    {
        var parts = CompleteSubtrees(range.Start, range.End).Select(node).ToList();
        if (parts.Count == 0)
        {
            return EmptyRoot();
        }

        // The right edge folds from the right: the tree of [a, b) with an incomplete right part.
        var hash = parts[^1];
        for (var i = parts.Count - 2; i >= 0; i--)
        {
            hash = NodeHash(parts[i], hash);
        }

        return hash;
    }

    /// <summary>RFC 9162 §2.1.3.1 PATH(m, D[n]) as ranges, from the leaf's sibling up to the root's child.</summary>
    public static IReadOnlyList<MerkleRange> InclusionRanges(long index, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var ranges = new List<MerkleRange>();
        Path(index, 0, size, ranges);
        return ranges;

        static void Path(long m, long start, long end, List<MerkleRange> into)
        {
            var n = end - start;
            if (n <= 1)
            {
                return;
            }

            var k = Split(n);
            if (m < k)
            {
                Path(m, start, start + k, into);
                into.Add(new MerkleRange(start + k, end));
            }
            else
            {
                Path(m - k, start + k, end, into);
                into.Add(new MerkleRange(start, start + k));
            }
        }
    }

    /// <summary>RFC 9162 §2.1.4.1 PROOF(m, D[n]) as ranges, for 0 &lt; m &lt; n; empty when m is 0 or equals n.</summary>
    public static IReadOnlyList<MerkleRange> ConsistencyRanges(long oldSize, long newSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldSize, newSize);
        var ranges = new List<MerkleRange>();
        if (oldSize > 0 && oldSize < newSize)
        {
            SubProof(oldSize, 0, newSize, true, ranges);
        }

        return ranges;

        static void SubProof(long m, long start, long end, bool whole, List<MerkleRange> into)
        {
            var n = end - start;
            if (m == n)
            {
                if (!whole)
                {
                    into.Add(new MerkleRange(start, end));
                }

                return;
            }

            var k = Split(n);
            if (m <= k)
            {
                SubProof(m, start, start + k, whole, into);
                into.Add(new MerkleRange(start + k, end));
            }
            else
            {
                SubProof(m - k, start + k, end, false, into);
                into.Add(new MerkleRange(start, start + k));
            }
        }
    }

    /// <summary>RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when the proof cannot be for this index and size.</summary>
    public static byte[]? RootFromInclusionProof(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof)
    {
        if (index < 0 || index >= size || leafHash.Length != HashSize || proof.Any(p => p.Length != HashSize))
        {
            return null;
        }

        var fn = index;
        var sn = size - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return null;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 ? r : null;
    }

    public static bool VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root) =>
        RootFromInclusionProof(index, size, leafHash, proof) is { } computed && computed.AsSpan().SequenceEqual(root);

    /// <summary>RFC 9162 §2.1.4.2: the tree of size <paramref name="newSize"/> extends the one of size <paramref name="oldSize"/>.</summary>
    public static bool VerifyConsistency(long oldSize, long newSize, ReadOnlySpan<byte> oldRoot, ReadOnlySpan<byte> newRoot, IReadOnlyList<byte[]> proof)
    {
        if (oldSize < 0 || oldSize > newSize || proof.Any(p => p.Length != HashSize))
        {
            return false;
        }

        if (oldSize == newSize)
        {
            return proof.Count == 0 && oldRoot.SequenceEqual(newRoot);
        }

        if (oldSize == 0)
        {
            // The empty tree is a prefix of every tree.
            return proof.Count == 0;
        }

        if (proof.Count == 0 || oldRoot.Length != HashSize || newRoot.Length != HashSize)
        {
            return false;
        }

        var path = BitOperations.IsPow2(oldSize) ? [oldRoot.ToArray(), .. proof] : proof.ToList();
        var fn = oldSize - 1;
        var sn = newSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.AsSpan().SequenceEqual(oldRoot) && sr.AsSpan().SequenceEqual(newRoot);
    }
}

/// <summary>
/// The compact frontier of a growing tree: the roots of its complete subtrees, at most one per level (log2 n hashes).
/// Appending a leaf completes zero or more subtrees, which the caller may store so that proofs need no recomputation.
/// </summary>
public sealed class MerkleFrontier
{
    private readonly List<(int Level, byte[] Hash)> _subtrees = [];

    public long Size { get; private set; }

    /// <summary>A frontier at <paramref name="size"/> from its complete subtrees' hashes, largest first.</summary>
    public static MerkleFrontier Restore(long size, IReadOnlyList<byte[]> subtreesLargestFirst)
    {
        var frontier = new MerkleFrontier { Size = size };
        var levels = Enumerable.Range(0, 63).Where(level => ((size >> level) & 1) == 1).OrderDescending().ToList();
        if (levels.Count != subtreesLargestFirst.Count)
        {
            throw new ArgumentException($"A tree of {size} leaves has {levels.Count} complete subtrees on its right edge, not {subtreesLargestFirst.Count}.");
        }

        for (var i = 0; i < levels.Count; i++)
        {
            frontier._subtrees.Add((levels[i], subtreesLargestFirst[i]));
        }

        return frontier;
    }

    /// <summary>The subtrees on the right edge of a tree of <paramref name="size"/> leaves, largest first.</summary>
    public static IEnumerable<MerkleNodeId> EdgeOf(long size) =>
        Enumerable.Range(0, 63).Where(level => ((size >> level) & 1) == 1).OrderDescending()
            .Select(level => new MerkleNodeId(level, (size >> level) - 1));

    public MerkleFrontier Clone()
    {
        var copy = new MerkleFrontier { Size = Size };
        copy._subtrees.AddRange(_subtrees);
        return copy;
    }

    /// <summary>Adds a leaf (by its leaf hash) and returns the subtrees above level 0 it completed, lowest first.</summary>
    public IReadOnlyList<(MerkleNodeId Id, byte[] Hash)> Append(byte[] leafHash)
    {
        var completed = new List<(MerkleNodeId, byte[])>();
        var node = (Level: 0, Index: Size, Hash: leafHash);
        while (_subtrees.Count > 0 && _subtrees[^1].Level == node.Level)
        {
            node = (node.Level + 1, node.Index >> 1, MerkleTree.NodeHash(_subtrees[^1].Hash, node.Hash));
            _subtrees.RemoveAt(_subtrees.Count - 1);
            completed.Add((new MerkleNodeId(node.Level, node.Index), node.Hash));
        }

        _subtrees.Add((node.Level, node.Hash));
        Size++;
        return completed;
    }

    /// <summary>Adds a leaf without reporting completed subtrees (verification only needs the root).</summary>
    public void AppendLeaf(ReadOnlySpan<byte> leafHash) => AppendSubtree(0, leafHash);

    /// <summary>
    /// Adds a complete subtree of 2^<paramref name="level"/> leaves by its hash; the tree's size must be a multiple of its
    /// length, as when leaves are hashed in aligned runs.
    /// </summary>
    public void AppendSubtree(int level, ReadOnlySpan<byte> subtreeHash)
    {
        if (Size % (1L << level) != 0)
        {
            throw new InvalidOperationException($"A subtree of 2^{level} leaves cannot follow {Size} leaves.");
        }

        var size = Size + (1L << level);
        var hash = subtreeHash.ToArray();
        while (_subtrees.Count > 0 && _subtrees[^1].Level == level)
        {
            hash = MerkleTree.NodeHash(_subtrees[^1].Hash, hash);
            _subtrees.RemoveAt(_subtrees.Count - 1);
            level++;
        }

        _subtrees.Add((level, hash));
        Size = size;
    }

    public byte[] Root()
    {
        if (_subtrees.Count == 0)
        {
            return MerkleTree.EmptyRoot();
        }

        var hash = _subtrees[^1].Hash;
        for (var i = _subtrees.Count - 2; i >= 0; i--)
        {
            hash = MerkleTree.NodeHash(_subtrees[i].Hash, hash);
        }

        return hash;
    }
}
