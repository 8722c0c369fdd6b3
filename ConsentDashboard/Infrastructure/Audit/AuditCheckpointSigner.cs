using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ConsentDashboard.Data;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// Signs log heads with an ECDSA P-256 key kept in the data folder (PKCS#8 PEM), and checks signatures with only the
/// public key, so anyone holding the published key can check a checkpoint without trusting the server.
/// </summary>
public sealed class AuditCheckpointSigner : IDisposable
{
    private readonly ECDsa _key;

    public AuditCheckpointSigner(DataFolder dataFolder)
    {
        _key = ECDsa.Create();
        _key.ImportFromPem(Encoding.ASCII.GetString(dataFolder.ReadOrCreate("checkpoint-signing-key.pem", () =>
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return Encoding.ASCII.GetBytes(created.ExportPkcs8PrivateKeyPem());
        })));

        PublicKeyPem = _key.ExportSubjectPublicKeyInfoPem();
        KeyId = KeyIdOf(_key.ExportSubjectPublicKeyInfo());
    }

    public string PublicKeyPem { get; }

    public string KeyId { get; }

    /// <summary>The exact bytes a checkpoint signed before the Merkle tree existed covers.</summary>
    public static byte[] SignedBytes(long sequence, string hash, DateTime signedAt) => Encoding.UTF8.GetBytes(string.Create(
        CultureInfo.InvariantCulture, $"consentdashboard-audit-checkpoint/v1|{sequence}|{hash}|{AuditCanonicalEncoding.Normalise(signedAt):yyyy-MM-ddTHH:mm:ss.ffffffZ}"));

    /// <summary>A signed tree head over the first <paramref name="size"/> entries, the newest of which has <paramref name="entryHash"/>.</summary>
    public AuditCheckpoint Sign(long size, string entryHash, byte[] root, DateTime signedAt)
    {
        var rootHash = Convert.ToHexStringLower(root);
        var timestamp = SignedTreeHead.FormatTime(signedAt);
        return new AuditCheckpoint
        {
            Sequence = size,
            Hash = entryHash,
            RootHash = rootHash,
            SignedAt = AuditCanonicalEncoding.Normalise(signedAt),
            Signature = Convert.ToBase64String(_key.SignData(SignedTreeHead.SignedBytes(size, rootHash, timestamp), HashAlgorithmName.SHA256)),
            KeyId = KeyId,
        };
    }

    /// <summary>
    /// True when the checkpoint was signed by the holder of this public key and not altered since: a tree head's
    /// signature covers its size, root and time; an older checkpoint's its entry hash and time.
    /// </summary>
    public static bool IsSignedBy(AuditCheckpoint checkpoint, string publicKeyPem)
    {
        if (SignedTreeHead.From(checkpoint) is { } head)
        {
            return head.IsSignedBy(publicKeyPem);
        }

        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(publicKeyPem);
            return key.VerifyData(SignedBytes(checkpoint.Sequence, checkpoint.Hash, checkpoint.SignedAt),
                Convert.FromBase64String(checkpoint.Signature), HashAlgorithmName.SHA256);
        }
        catch (Exception invalid) when (invalid is FormatException or CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    public static string KeyIdOf(byte[] subjectPublicKeyInfo) => Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo));

    public void Dispose() => _key.Dispose();
}
