namespace ConsentDashboard.Infrastructure.Audit.Merkle;

/// <summary>
/// Recomputes the tree from the entries as verification reads them, and keeps its root at each size a tree head names,
/// so heads are checked against the entries themselves, not against the stored tree an intruder could have rewritten.
/// </summary>
public sealed class RootCollector
{
    private readonly HashSet<long> _wanted;
    private readonly long _largest;
    private readonly MerkleFrontier _tree = new();
    private readonly Dictionary<long, string> _roots = [];

    public RootCollector(IEnumerable<long> sizes)
    {
        _wanted = sizes.Where(size => size > 0).ToHashSet();
        _largest = _wanted.Count == 0 ? 0 : _wanted.Max();
    }

    /// <summary>Root (lower-case hex) of the first n entries, for each wanted n the log reached.</summary>
    public IReadOnlyDictionary<long, string> Roots => _roots;

    /// <summary>Adds the next entry by its 32-byte hash.</summary>
    public void Add(ReadOnlySpan<byte> entryHash)
    {
        if (_tree.Size >= _largest)
        {
            return;
        }

        _tree.AppendLeaf(MerkleTree.LeafHash(entryHash));
        KeepRootIfWanted();
    }

    /// <summary>
    /// Adds the next 2^<paramref name="level"/> entries by their complete subtree's hash. No wanted size may end inside
    /// them: those entries are added one by one.
    /// </summary>
    public void AddSubtree(int level, ReadOnlySpan<byte> subtreeHash)
    {
        if (_tree.Size >= _largest)
        {
            return;
        }

        _tree.AppendSubtree(level, subtreeHash);
        KeepRootIfWanted();
    }

    private void KeepRootIfWanted()
    {
        if (_wanted.Contains(_tree.Size))
        {
            _roots[_tree.Size] = Convert.ToHexStringLower(_tree.Root());
        }
    }
}
