using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ConsentDashboard.Data;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// A signed tree head (RFC 9162 §4.10 in spirit): "the log's first <see cref="TreeSize"/> entries have Merkle root
/// <see cref="RootHash"/>", signed with ECDSA P-256 at <see cref="Timestamp"/>. This JSON is what the public page
/// lists, what an auditor's browser and the witness folder keep, and what <c>verify-log --trusted-head</c> reads.
/// The signature covers <c>consentdashboard-tree-head/v1|size|root|timestamp</c> in ASCII.
/// </summary>
public sealed record SignedTreeHead(
    [property: JsonPropertyName("treeSize")] long TreeSize,
    [property: JsonPropertyName("rootHash")] string RootHash,
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("keyId")] string KeyId,
    [property: JsonPropertyName("signature")] string Signature)
{
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static byte[] SignedBytes(long treeSize, string rootHash, string timestamp) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"consentdashboard-tree-head/v1|{treeSize}|{rootHash}|{timestamp}"));

    public static string FormatTime(DateTime utc) => AuditCanonicalEncoding.Normalise(utc).ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>When it was signed, or null when the timestamp is not in the signed form.</summary>
    [JsonIgnore]
    public DateTime? SignedAt => DateTime.TryParseExact(Timestamp, TimestampFormat, CultureInfo.InvariantCulture,
        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    [JsonIgnore]
    public byte[]? Root => RootHash.Length == 64 && !RootHash.Any(c => c is not (>= '0' and <= '9' or >= 'a' and <= 'f')) ? Convert.FromHexString(RootHash) : null;

    /// <summary>True when the holder of this public key signed exactly these fields.</summary>
    public bool IsSignedBy(string publicKeyPem)
    {
        if (TreeSize < 0 || Root is null || SignedAt is null)
        {
            return false;
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(publicKeyPem);
            return key.VerifyData(SignedBytes(TreeSize, RootHash, Timestamp), Convert.FromBase64String(Signature), HashAlgorithmName.SHA256);
        }
        catch (Exception invalid) when (invalid is FormatException or CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    public static SignedTreeHead? From(AuditCheckpoint checkpoint) =>
        checkpoint.RootHash is null ? null : new(checkpoint.Sequence, checkpoint.RootHash, FormatTime(checkpoint.SignedAt), checkpoint.KeyId, checkpoint.Signature);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>A head from its JSON, or null when the text is not one (any field missing or of the wrong type).</summary>
    public static SignedTreeHead? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            var head = JsonSerializer.Deserialize<SignedTreeHead>(json, Json);
            return head is { RootHash: not null, Timestamp: not null, KeyId: not null, Signature: not null } ? head : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
