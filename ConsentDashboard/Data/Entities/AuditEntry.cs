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
}
