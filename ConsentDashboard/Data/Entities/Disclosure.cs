namespace ConsentDashboard.Data;

public enum LegalBasis
{
    Consent,
    Warrant,
    Emergency,
    CourtOrder,
    Subpoena,
}

[Flags]
public enum ContactFields
{
    None = 0,
    Name = 1,
    Email = 2,
    Phone = 4,
    Address = 8,
}

/// <summary>One clip given to one agency. Access is live while not revoked and not expired.</summary>
public class Disclosure
{
    /// <summary>The one definition of a live disclosure: the agency may stream the clip.</summary>
    public static readonly TimedRule<Disclosure> Live = new((d, now) => d.RevokedAt == null && d.AccessExpiresAt > now);

    /// <summary>
    /// The one definition of what the resident may know of (invariant 8): every consented disclosure, and a compelled one
    /// only once its legal demand's notice has been delivered.
    /// </summary>
    public static readonly System.Linq.Expressions.Expression<Func<Disclosure, bool>> KnownToResident =
        d => d.LegalDemandId == null || d.LegalDemand!.NoticeDeliveredAt != null;

    public Guid Id { get; set; }
    public string ResidentId { get; set; } = "";
    public ApplicationUser? Resident { get; set; }
    public Guid ClipId { get; set; }
    public Clip? Clip { get; set; }
    public string ClipSha256 { get; set; } = "";
    public int AgencyId { get; set; }
    public Agency? Agency { get; set; }
    public Guid? RequestId { get; set; }
    public FootageRequest? Request { get; set; }
    public Guid? LegalDemandId { get; set; }
    public LegalDemand? LegalDemand { get; set; }
    public LegalBasis LegalBasis { get; set; }
    public ContactFields RevealedContactFields { get; set; }
    public bool AllowDownload { get; set; }
    public DateTime DisclosedAt { get; set; }
    public DateTime AccessExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    /// <summary>When the expiry sweep logged the end of access (a <c>DisclosureExpired</c> entry); null until then.</summary>
    public DateTime? ExpiryLoggedAt { get; set; }

    public bool IsLiveAt(DateTime utcNow) => Live.IsMetBy(this, utcNow);

    /// <summary>Made under a warrant, court order, subpoena or emergency: the resident cannot revoke it.</summary>
    public bool IsCompelled => LegalBasis != LegalBasis.Consent;
}
