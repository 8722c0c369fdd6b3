using System.Globalization;
using System.Text.Json;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Audit.Merkle;

namespace ConsentDashboard.Features.Disclosures;

/// <summary>One check of a receipt, in words a resident can read.</summary>
public sealed record ReceiptCheck(string What, bool Passed, string Detail);

/// <summary>Every check run on a receipt, or why it could not be read as one.</summary>
public sealed record ReceiptVerification(IReadOnlyList<ReceiptCheck> Checks, string? Unreadable)
{
    public bool IsValid => Unreadable is null && Checks.Count > 0 && Checks.All(c => c.Passed);
}

/// <summary>
/// Checks a consent receipt with nothing but the log's public key: the tree head's signature, each entry's hash
/// recomputed from its fields, each entry's audit path up to the signed root (RFC 9162 §2.1.3.2), and that every field of
/// the receipt's disclosure is what the logged entry says. Used by <c>verify-receipt</c> and the public check page.
/// </summary>
public static class ReceiptVerifier
{
    public static ReceiptVerification Verify(string json, string publicKeyPem)
    {
        ConsentReceipt? receipt;
        try
        {
            receipt = JsonSerializer.Deserialize<ConsentReceipt>(json);
        }
        catch (JsonException notJson)
        {
            return new ReceiptVerification([], $"This is not a consent receipt: {notJson.Message}");
        }

        if (receipt?.Disclosure is null || receipt.LogProof?.TreeHead is null || receipt.LogProof.Entries is not { Count: > 0 })
        {
            return new ReceiptVerification([], "This is not a consent receipt with a log proof (a receipt downloaded before proofs existed can be downloaded again).");
        }

        var checks = new List<ReceiptCheck>();
        var head = receipt.LogProof.TreeHead;
        checks.Add(new ReceiptCheck("Tree head signature", head.IsSignedBy(publicKeyPem), head.IsSignedBy(publicKeyPem)
            ? $"Signed by the log's key: {head.TreeSize:N0} entries, root {head.RootHash}."
            : "The tree head's signature does not verify with this public key: the head was altered, or it is another log's."));

        foreach (var entry in receipt.LogProof.Entries)
        {
            checks.AddRange(CheckEntry(entry, head));
        }

        checks.Add(CheckDisclosure(receipt));
        checks.Add(CheckRevocation(receipt));
        return new ReceiptVerification(checks, null);
    }

    private static IEnumerable<ReceiptCheck> CheckEntry(ReceiptLogEntry entry, SignedTreeHead head)
    {
        var what = $"Log entry {entry.Sequence} ({entry.Action})";
        var recomputed = Recompute(entry);
        var hashOk = recomputed is not null && recomputed == entry.Hash;
        yield return new ReceiptCheck($"{what}: content", hashOk, hashOk
            ? $"Its fields hash to {entry.Hash}."
            : "Its fields do not hash to the hash it carries: the entry in the receipt was changed.");

        List<byte[]>? path = null;
        try
        {
            path = entry.AuditPath?.Select(Convert.FromHexString).ToList();
        }
        catch (FormatException)
        {
        }

        var included = hashOk && path is not null && head.Root is { } root && entry.LeafIndex == entry.Sequence - 1
            && MerkleTree.VerifyInclusion(entry.LeafIndex, head.TreeSize, AuditTree.LeafOf(entry.Hash), path, root);
        yield return new ReceiptCheck($"{what}: in the log", included, included
            ? $"Its audit path of {path!.Count} hashes leads to the signed root: it is entry {entry.Sequence} of the {head.TreeSize:N0} the head covers."
            : "Its audit path does not lead to the signed root: the path, the entry or the head was changed.");
    }

    private static string? Recompute(ReceiptLogEntry entry)
    {
        if (!DateTime.TryParseExact(entry.Timestamp, AuditCanonicalEncoding.TimestampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var timestamp)
            || entry.Actor is null || entry.Action is null || entry.Subject is null || entry.Details is null || entry.PreviousHash is null)
        {
            return null;
        }

        return AuditCanonicalEncoding.ComputeHash(new AuditEntry
        {
            Sequence = entry.Sequence, Timestamp = timestamp, Actor = entry.Actor, Action = entry.Action, Subject = entry.Subject,
            Details = entry.Details, PreviousHash = entry.PreviousHash,
        });
    }

    private static ReceiptCheck CheckDisclosure(ConsentReceipt receipt)
    {
        const string What = "The disclosure is the one logged";
        var entry = receipt.LogProof!.Entries.FirstOrDefault(e => e.Action == nameof(DisclosureCreated) && e.Subject == $"disclosure:{receipt.ConsentReceiptId}");
        if (entry is null)
        {
            return new ReceiptCheck(What, false, "The receipt carries no logged disclosure with this receipt's id.");
        }

        var logged = Read<DisclosureCreated>(entry.Details);
        var d = receipt.Disclosure;
        var revealed = logged is null ? [] : Enum.GetValues<ContactFields>().Where(f => f != ContactFields.None && logged.RevealedContactFields.HasFlag(f)).Select(f => f.ToString()).ToList();
        var differences = logged is null ? ["the logged details"] : new (string Field, bool Same)[]
        {
            ("clipId", d.ClipId == logged.ClipId),
            ("clipSha256", d.ClipSha256 == logged.ClipSha256),
            ("clipStart", d.ClipStart.Ticks == logged.ClipStart.Ticks),
            ("clipEnd", d.ClipEnd.Ticks == logged.ClipEnd.Ticks),
            ("legalBasis", d.LegalBasis == logged.LegalBasis.ToString()),
            ("caseNumber", d.CaseNumber == logged.CaseNumber),
            ("revealedContactFields", (d.RevealedContactFields ?? []).Order().SequenceEqual(revealed.Order())),
            ("allowDownload", d.AllowDownload == logged.AllowDownload),
            ("accessExpiresAt", d.AccessExpiresAt.Ticks == logged.AccessExpiresAt.Ticks),
            ("auditSequence", receipt.AuditSequence == entry.Sequence),
            ("auditHash", receipt.AuditHash == entry.Hash),
        }.Where(f => !f.Same).Select(f => f.Field).ToList();
        return differences.Count == 0
            ? new ReceiptCheck(What, true, $"Clip {d.ClipSha256}, {d.LegalBasis}, {(d.AllowDownload ? "download allowed" : "watch only")}, access until {d.AccessExpiresAt:yyyy-MM-dd HH:mm} UTC: as logged in entry {entry.Sequence}.")
            : new ReceiptCheck(What, false, $"The receipt says something else than the log about: {string.Join(", ", differences)}.");
    }

    private static ReceiptCheck CheckRevocation(ConsentReceipt receipt)
    {
        const string What = "Revocation";
        var revoked = receipt.LogProof!.Entries.Where(e => e.Action == nameof(DisclosureRevoked) && e.Subject == $"disclosure:{receipt.ConsentReceiptId}")
            .Select(e => Read<DisclosureRevoked>(e.Details)).ToList();
        var claimed = receipt.Disclosure.RevokedAt;
        return (claimed, revoked) switch
        {
            (null, []) => new ReceiptCheck(What, true, "Not revoked when the receipt was made, and the receipt proves no revocation."),
            ({ } at, [{ } logged]) when logged.RevokedAt.Ticks == at.Ticks => new ReceiptCheck(What, true, $"Revoked at {at:yyyy-MM-dd HH:mm} UTC, as logged."),
            (null, _) => new ReceiptCheck(What, false, "The log proves a revocation the receipt does not show."),
            _ => new ReceiptCheck(What, false, "The receipt shows a revocation the log does not prove."),
        };
    }

    private static T? Read<T>(string details) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(details, AuditLog.DetailsJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
