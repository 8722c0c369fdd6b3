using ConsentDashboard.Infrastructure.Audit.Merkle;

namespace ConsentDashboard.Tests.Infrastructure.Audit;

/// <summary>
/// The tree against the RFC 6962 test vectors published with the transparency-dev Merkle library
/// (github.com/transparency-dev/merkle, proof/verify_test.go): eight leaves, the roots of every prefix, and known
/// inclusion and consistency proofs, byte for byte. Corrupted proofs (wrong index or size, a flipped bit, a hash added or
/// removed) must all be refused.
/// </summary>
public sealed class MerkleTreeTests
{
    private static readonly byte[][] Leaves =
    [
        [], H("00"), H("10"), H("2021"), H("3031"), H("40414243"), H("5051525354555657"), H("606162636465666768696a6b6c6d6e6f"),
    ];

    private static readonly byte[][] Roots =
    [
        H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
        H("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
        H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        H("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
        H("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
        H("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
        H("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
    ];

    public static TheoryData<long, long, string[]> InclusionVectors => new()
    {
        { 0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
        { 1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
        { 0, 1, [] },
    };

    public static TheoryData<long, long, string[]> ConsistencyVectors => new()
    {
        { 1, 1, [] },
        { 1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
        { 6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
    };

    [Fact]
    public void EveryPrefixOfTheEightLeaves_HasThePublishedRoot_BothIncrementallyAndFromStoredSubtrees()
    {
        var frontier = new MerkleFrontier();
        var stored = new Dictionary<MerkleNodeId, byte[]>();
        for (var size = 1; size <= Leaves.Length; size++)
        {
            var leaf = MerkleTree.LeafHash(Leaves[size - 1]);
            stored[new MerkleNodeId(0, size - 1)] = leaf;
            foreach (var (id, hash) in frontier.Append(leaf))
            {
                stored[id] = hash;
            }

            Assert.Equal(Convert.ToHexStringLower(Roots[size - 1]), Convert.ToHexStringLower(frontier.Root()));
            Assert.Equal(Roots[size - 1], MerkleTree.RangeHash(new MerkleRange(0, size), id => stored[id]));
            var restored = MerkleFrontier.Restore(size, MerkleFrontier.EdgeOf(size).Select(id => stored[id]).ToList());
            Assert.Equal(Roots[size - 1], restored.Root());
        }

        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(new MerkleFrontier().Root()));
    }

    [Theory]
    [MemberData(nameof(InclusionVectors))]
    public void InclusionProofs_AreThePublishedOnes_AndOnlyTheyVerify(long index, long size, string[] published)
    {
        var proof = MerkleTree.InclusionRanges(index, size).Select(range => MerkleTree.RangeHash(range, Node)).ToList();

        Assert.Equal(published, proof.Select(Convert.ToHexStringLower));
        var leaf = MerkleTree.LeafHash(Leaves[index]);
        var root = Roots[size - 1];
        Assert.True(MerkleTree.VerifyInclusion(index, size, leaf, proof, root));

        List<(long Index, long Size, byte[] Leaf, List<byte[]> Proof, byte[] Root, string What)> wrong =
        [
            (index - 1, size, leaf, proof, root, "index - 1"),
            (index + 1, size, leaf, proof, root, "index + 1"),
            (index ^ 2, size, leaf, proof, root, "index ^ 2"),
            (index, size * 2, leaf, proof, root, "size * 2"),
            (index, size / 2, leaf, proof, root, "size / 2"),
            (index, size, MerkleTree.LeafHash("WrongLeaf"u8), proof, root, "wrong leaf"),
            (index, size, leaf, proof, MerkleTree.EmptyRoot(), "empty root"),
            (index, size, leaf, [.. proof, root], root, "trailing root"),
            (index, size, leaf, [root, .. proof], root, "preceding root"),
        ];
        for (var i = 0; i < proof.Count; i++)
        {
            var flipped = proof.Select(p => p.ToArray()).ToList();
            flipped[i][0] ^= 8;
            wrong.Add((index, size, leaf, flipped, root, $"bit flipped in proof[{i}]"));
        }

        if (proof.Count > 0)
        {
            wrong.Add((index, size, leaf, proof[..^1], root, "removed component"));
        }

        Assert.Empty(wrong.Where(w => MerkleTree.VerifyInclusion(w.Index, w.Size, w.Leaf, w.Proof, w.Root)).Select(w => w.What));
    }

    [Theory]
    [MemberData(nameof(ConsistencyVectors))]
    public void ConsistencyProofs_AreThePublishedOnes_AndOnlyTheyVerify(long oldSize, long newSize, string[] published)
    {
        var proof = MerkleTree.ConsistencyRanges(oldSize, newSize).Select(range => MerkleTree.RangeHash(range, Node)).ToList();

        Assert.Equal(published, proof.Select(Convert.ToHexStringLower));
        var (oldRoot, newRoot) = (Roots[oldSize - 1], Roots[newSize - 1]);
        Assert.True(MerkleTree.VerifyConsistency(oldSize, newSize, oldRoot, newRoot, proof));
        if (proof.Count == 0)
        {
            return;
        }

        List<(long Old, long New, byte[] OldRoot, byte[] NewRoot, List<byte[]> Proof, string What)> wrong =
        [
            (oldSize - 1, newSize, oldRoot, newRoot, proof, "old size - 1"),
            (oldSize + 1, newSize, oldRoot, newRoot, proof, "old size + 1"),
            (oldSize ^ 2, newSize, oldRoot, newRoot, proof, "old size ^ 2"),
            (oldSize, newSize * 2, oldRoot, newRoot, proof, "new size * 2"),
            (oldSize, newSize / 2, oldRoot, newRoot, proof, "new size / 2"),
            (oldSize, newSize, newRoot, oldRoot, proof, "swapped roots"),
            (oldSize, newSize, oldRoot, newRoot, [], "empty proof"),
            (oldSize, newSize, oldRoot, newRoot, [.. proof, oldRoot], "trailing root"),
            (oldSize, newSize, oldRoot, newRoot, [proof[0], .. proof], "preceding proof[0]"),
            (oldSize, newSize, oldRoot, newRoot, proof[..^1], "truncated proof"),
        ];
        for (var i = 0; i < proof.Count; i++)
        {
            var flipped = proof.Select(p => p.ToArray()).ToList();
            flipped[i][0] ^= 16;
            wrong.Add((oldSize, newSize, oldRoot, newRoot, flipped, $"bit flipped in proof[{i}]"));
        }

        Assert.Empty(wrong.Where(w => MerkleTree.VerifyConsistency(w.Old, w.New, w.OldRoot, w.NewRoot, w.Proof)).Select(w => w.What));
    }

    [Fact]
    public void TheEdgeCasesOfConsistency_FollowTheRfc()
    {
        var some = H("abacaba000000000000000000000000000000000000000000060061e00123456");
        var empty = MerkleTree.EmptyRoot();

        Assert.True(MerkleTree.VerifyConsistency(0, 0, empty, empty, []));
        Assert.True(MerkleTree.VerifyConsistency(0, 1, some, empty, []));
        Assert.True(MerkleTree.VerifyConsistency(1, 1, some, some, []));
        Assert.False(MerkleTree.VerifyConsistency(1, 1, some, empty, []));
        Assert.False(MerkleTree.VerifyConsistency(1, 0, some, some, []));
        Assert.False(MerkleTree.VerifyConsistency(2, 1, some, some, []));
        Assert.False(MerkleTree.VerifyConsistency(1, 2, some, empty, []));
        Assert.False(MerkleTree.VerifyConsistency(1, 1, empty, empty, [empty]));
    }

    [Fact]
    public void ProofsFromAThousandLeaves_VerifyForEveryIndexAndEveryPairOfSizes_Sampled()
    {
        var random = new Random(7);
        var leaves = Enumerable.Range(0, 1000).Select(i => MerkleTree.LeafHash(BitConverter.GetBytes(i))).ToArray();
        var stored = new Dictionary<MerkleNodeId, byte[]>();
        var frontier = new MerkleFrontier();
        var roots = new List<byte[]>();
        for (var i = 0; i < leaves.Length; i++)
        {
            stored[new MerkleNodeId(0, i)] = leaves[i];
            foreach (var (id, hash) in frontier.Append(leaves[i]))
            {
                stored[id] = hash;
            }

            roots.Add(frontier.Root());
        }

        for (var trial = 0; trial < 300; trial++)
        {
            var size = random.Next(1, 1001);
            var index = random.Next(size);
            var path = MerkleTree.InclusionRanges(index, size).Select(r => MerkleTree.RangeHash(r, id => stored[id])).ToList();
            Assert.True(MerkleTree.VerifyInclusion(index, size, leaves[index], path, roots[size - 1]), $"inclusion {index} in {size}");
            Assert.True(path.Count <= 10);

            var older = random.Next(1, size + 1);
            var consistency = MerkleTree.ConsistencyRanges(older, size).Select(r => MerkleTree.RangeHash(r, id => stored[id])).ToList();
            Assert.True(MerkleTree.VerifyConsistency(older, size, roots[older - 1], roots[size - 1], consistency), $"consistency {older} to {size}");
        }
    }

    private static byte[] Node(MerkleNodeId id) =>
        id.Level == 0
            ? MerkleTree.LeafHash(Leaves[id.Index])
            : MerkleTree.NodeHash(Node(new MerkleNodeId(id.Level - 1, 2 * id.Index)), Node(new MerkleNodeId(id.Level - 1, 2 * id.Index + 1)));

    private static byte[] H(string hex) => Convert.FromHexString(hex);
}
