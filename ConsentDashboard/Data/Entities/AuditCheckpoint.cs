namespace ConsentDashboard.Data;

/// <summary>
/// A signed statement "the log had this head at this time". Verification checks the chain reaches this entry with this
/// hash, so removing the newest entries (which leaves a shorter but valid chain) is caught.
/// </summary>
public class AuditCheckpoint
{
    public long Id { get; set; }
    public long Sequence { get; set; }
    public string Hash { get; set; } = "";

    /// <summary>
    /// The Merkle tree hash (RFC 9162) of the first <see cref="Sequence"/> entries, lower-case hex: with it the checkpoint
    /// is a signed tree head. Null on checkpoints signed before the tree existed, which sign the entry hash alone.
    /// </summary>
    public string? RootHash { get; set; }
    public DateTime SignedAt { get; set; }

    /// <summary>Base64 ECDSA P-256 signature (IEEE P1363) over <c>AuditCheckpointSigner.SignedBytes</c>.</summary>
    public string Signature { get; set; } = "";

    /// <summary>SHA-256 of the signing public key (SubjectPublicKeyInfo), so a rotated key is recognised.</summary>
    public string KeyId { get; set; } = "";
}
