namespace ConsentDashboard.Data;

/// <summary>
/// One entry of the append-only, hash-chained log. See <c>Infrastructure/Audit/AuditCanonicalEncoding</c> for
/// exactly which bytes the hash covers.
/// </summary>
public class AuditEntry
{
    public long Sequence { get; set; }
    public DateTime Timestamp { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Details { get; set; } = "{}";
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";

    // Index columns, so auditors can filter a million entries without reading the JSON. They are not hashed: the
    // first three are copied from Details and the verifier checks they still agree with it.

    public int? AgencyId { get; set; }
    public string? CaseNumber { get; set; }
    public string? LegalBasis { get; set; }

    /// <summary>The resident the entry is about (who disclosed, or whose disclosure was opened); shown only as a pseudonym.</summary>
    public string? ResidentId { get; set; }
}
