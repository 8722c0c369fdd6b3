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
    public DateTime SignedAt { get; set; }

    /// <summary>Base64 ECDSA P-256 signature (IEEE P1363) over <c>AuditCheckpointSigner.SignedBytes</c>.</summary>
    public string Signature { get; set; } = "";

    /// <summary>SHA-256 of the signing public key (SubjectPublicKeyInfo), so a rotated key is recognised.</summary>
    public string KeyId { get; set; } = "";
}
