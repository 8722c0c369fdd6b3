using System.Text.Json.Serialization;
using ConsentDashboard.Infrastructure.Audit;

namespace ConsentDashboard.Features.Disclosures;

/// <summary>
/// A consent receipt in the field names of the Kantara Initiative Consent Receipt Specification v1.1, with the
/// disclosure's details and its audit entry (sequence and hash) added so the resident can check it against the log.
/// </summary>
public sealed record ConsentReceipt(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("jurisdiction")] string Jurisdiction,
    [property: JsonPropertyName("consentTimestamp")] long ConsentTimestamp,
    [property: JsonPropertyName("collectionMethod")] string CollectionMethod,
    [property: JsonPropertyName("consentReceiptID")] string ConsentReceiptId,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("piiPrincipalId")] string PiiPrincipalId,
    [property: JsonPropertyName("piiControllers")] IReadOnlyList<ReceiptController> PiiControllers,
    [property: JsonPropertyName("policyUrl")] string PolicyUrl,
    [property: JsonPropertyName("services")] IReadOnlyList<ReceiptService> Services,
    [property: JsonPropertyName("sensitive")] bool Sensitive,
    [property: JsonPropertyName("spiCat")] IReadOnlyList<string> SpiCat,
    [property: JsonPropertyName("disclosure")] ReceiptDisclosure Disclosure,
    [property: JsonPropertyName("auditSequence")] long AuditSequence,
    [property: JsonPropertyName("auditHash")] string AuditHash,
    [property: JsonPropertyName("logProof")] ReceiptLogProof? LogProof)
{
    public const string SpecVersion = "KI-CR-v1.1.0";
}

public sealed record ReceiptController(
    [property: JsonPropertyName("piiController")] string PiiController,
    [property: JsonPropertyName("contact")] string Contact,
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("phone")] string Phone);

public sealed record ReceiptService(
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("purposes")] IReadOnlyList<ReceiptPurpose> Purposes);

public sealed record ReceiptPurpose(
    [property: JsonPropertyName("purpose")] string Purpose,
    [property: JsonPropertyName("purposeCategory")] IReadOnlyList<string> PurposeCategory,
    [property: JsonPropertyName("consentType")] string ConsentType,
    [property: JsonPropertyName("piiCategory")] IReadOnlyList<string> PiiCategory,
    [property: JsonPropertyName("primaryPurpose")] bool PrimaryPurpose,
    [property: JsonPropertyName("termination")] string Termination,
    [property: JsonPropertyName("thirdPartyDisclosure")] bool ThirdPartyDisclosure,
    [property: JsonPropertyName("thirdPartyName")] string ThirdPartyName);

/// <summary>What exactly left, so the receipt alone identifies the bytes (by hash) and the terms.</summary>
public sealed record ReceiptDisclosure(
    [property: JsonPropertyName("clipId")] Guid ClipId,
    [property: JsonPropertyName("clipSha256")] string ClipSha256,
    [property: JsonPropertyName("clipStart")] DateTime ClipStart,
    [property: JsonPropertyName("clipEnd")] DateTime ClipEnd,
    [property: JsonPropertyName("legalBasis")] string LegalBasis,
    [property: JsonPropertyName("caseNumber")] string? CaseNumber,
    [property: JsonPropertyName("revealedContactFields")] IReadOnlyList<string> RevealedContactFields,
    [property: JsonPropertyName("allowDownload")] bool AllowDownload,
    [property: JsonPropertyName("accessExpiresAt")] DateTime AccessExpiresAt,
    [property: JsonPropertyName("revokedAt")] DateTime? RevokedAt);

/// <summary>
/// The proof that this disclosure is in the log auditors verify: its log entries as stored (so their hashes can be
/// recomputed), each with its RFC 9162 audit path, and the signed tree head the paths lead to. Checkable offline with
/// the log's public key alone (<c>verify-receipt</c>).
/// </summary>
public sealed record ReceiptLogProof(
    [property: JsonPropertyName("treeHead")] SignedTreeHead TreeHead,
    [property: JsonPropertyName("entries")] IReadOnlyList<ReceiptLogEntry> Entries);

/// <summary>One log entry exactly as hashed, with where it sits in the tree and its audit path (lower-case hex, leaf first).</summary>
public sealed record ReceiptLogEntry(
    [property: JsonPropertyName("leafIndex")] long LeafIndex,
    [property: JsonPropertyName("sequence")] long Sequence,
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("details")] string Details,
    [property: JsonPropertyName("previousHash")] string PreviousHash,
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("auditPath")] IReadOnlyList<string> AuditPath);
