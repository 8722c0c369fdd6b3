namespace ConsentDashboard.Data;

/// <summary>
/// One complete subtree of the Merkle tree over the audit log (RFC 9162): leaves <c>[Index·2^Level, (Index+1)·2^Level)</c>.
/// Written in the same transaction as the entry that completes it and never changed, so an inclusion or consistency
/// proof reads O(log n) rows. Level 0 is not stored: a leaf is the hash of its entry's hash.
/// </summary>
public class AuditTreeNode
{
    public int Level { get; set; }
    public long Index { get; set; }
    public byte[] Hash { get; set; } = [];
}
