namespace ConsentDashboard.Data;

/// <summary>
/// A warrant, court order, subpoena or emergency demand an admin records, with the document itself, the resident's cameras
/// and time range it covers, and the clips produced under it (each a compelled <see cref="Disclosure"/> citing it).
/// The resident is told on <see cref="NoticeAt"/>; until the notice is delivered nothing about it reaches them.
/// </summary>
public class LegalDemand
{
    public Guid Id { get; set; }
    public int AgencyId { get; set; }
    public Agency? Agency { get; set; }
    public LegalBasis Basis { get; set; }

    /// <summary>The docket or reference number on the document.</summary>
    public string Reference { get; set; } = "";

    /// <summary>The court or authority that issued it.</summary>
    public string Court { get; set; } = "";

    /// <summary>The date on the document.</summary>
    public DateTime DocumentDate { get; set; }

    /// <summary>What the demand asks for, in the admin's words; shown to the resident with the notice.</summary>
    public string Description { get; set; } = "";

    /// <summary>The PDF, stored by its SHA-256 like clips.</summary>
    public string DocumentSha256 { get; set; } = "";
    public string DocumentStorageKey { get; set; } = "";
    public long DocumentSizeBytes { get; set; }

    /// <summary>The resident whose footage it covers.</summary>
    public string ResidentId { get; set; } = "";
    public ApplicationUser? Resident { get; set; }

    /// <summary>The resident's cameras it covers (ids as recorded; cameras are never re-pointed).</summary>
    public List<Guid> CameraIds { get; set; } = [];
    public DateTime CoveredFrom { get; set; }
    public DateTime CoveredTo { get; set; }

    public bool AllowDownload { get; set; }
    public DateTime AccessExpiresAt { get; set; }

    public string RecordedById { get; set; } = "";
    public DateTime RecordedAt { get; set; }

    /// <summary>When the resident is to be told: the recording time unless a delay was recorded.</summary>
    public DateTime NoticeAt { get; set; }

    /// <summary>Why the notice waits; null for an immediate notice.</summary>
    public string? NoticeDelayReason { get; set; }

    /// <summary>When the notice sweep told the resident; null until then.</summary>
    public DateTime? NoticeDeliveredAt { get; set; }

    /// <summary>For an emergency demand: the court order obtained afterwards, and when an admin attached it.</summary>
    public string? FollowUpReference { get; set; }
    public DateTime? FollowUpAttachedAt { get; set; }

    public bool IsDelayed => NoticeDelayReason is not null;

    /// <summary>The document as people cite it: court, docket number and date.</summary>
    public string Citation => $"{Court}, {Reference}, {DocumentDate:yyyy-MM-dd}";
}
