using System.Text.Json.Serialization;
using ConsentDashboard.Data;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// What one audit entry records. Each action has a record of its own, named after the action; the record is written
/// as the entry's hashed <c>Details</c> JSON, and the facets auditors filter by come from the interfaces it implements.
/// </summary>
public abstract record AuditEvent
{
    /// <summary>The action stored with the entry: the record's name, so an action and its details cannot disagree.</summary>
    [JsonIgnore]
    public string Action => GetType().Name;

    [JsonIgnore]
    public AuditFacets Facets => new(
        (this as IAgencyFacet)?.AgencyId ?? (this as IOptionalAgencyFacet)?.AgencyId,
        (this as ICaseFacet)?.CaseNumber,
        (this as ILegalBasisFacet)?.LegalBasis.ToString(),
        (this as IResidentFacet)?.ResidentId);
}

/// <summary>The entry concerns one agency: auditors filter by it and the transparency report counts per agency.</summary>
public interface IAgencyFacet
{
    int AgencyId { get; }
}

/// <summary>The entry concerns an agency when it has one (an officer's account), and no agency otherwise.</summary>
public interface IOptionalAgencyFacet
{
    int? AgencyId { get; }
}

/// <summary>The entry concerns one case number of its agency.</summary>
public interface ICaseFacet
{
    string? CaseNumber { get; }
}

/// <summary>The entry concerns a disclosure made under a legal basis.</summary>
public interface ILegalBasisFacet
{
    LegalBasis LegalBasis { get; }
}

/// <summary>
/// The entry is about one resident (who disclosed, or whose disclosure an agency used). The account id is hashed with the
/// entry, so the auditor's resident filter cannot be pointed at someone else; auditors see only a pseudonym of it.
/// </summary>
public interface IResidentFacet
{
    string ResidentId { get; }
}

/// <summary>Every action the log records, each with the record its details are written as. Nothing else is ever appended.</summary>
public static class AuditActions
{
    public static readonly IReadOnlyList<Type> Records =
    [
        typeof(RequestCreated), typeof(RequestApproved), typeof(RequestRejected), typeof(RequestWithdrawn), typeof(RequestExpired),
        typeof(LegalDemandRecorded), typeof(LegalDemandFollowUpAttached), typeof(LegalDemandNoticeDelivered),
        typeof(DisclosureCreated), typeof(DisclosureRevoked), typeof(DisclosureExpired), typeof(ClipViewed), typeof(ClipDownloaded),
        typeof(LogViewed), typeof(LogVerified), typeof(LogExported), typeof(CheckpointSigned), typeof(ReportViewed),
        typeof(AdminCreated), typeof(AgencyCreated), typeof(AgencyChanged), typeof(StaffInvited), typeof(StaffDisabled), typeof(StaffEnabled),
        typeof(StaffMoved), typeof(AccountDeleted),
    ];

    /// <summary>Every action's name, for the auditor's filter.</summary>
    public static readonly IReadOnlyList<string> All = Records.Select(r => r.Name).ToList();
}

/// <summary>
/// An officer filed a request; <paramref name="Notified"/> is for auditors only and never reaches an agency. A request
/// that waits for review notifies nobody yet (<paramref name="AwaitingReview"/>); its <see cref="RequestApproved"/> entry
/// holds the number notified then.
/// </summary>
public sealed record RequestCreated(
    int AgencyId, string CaseNumber, IncidentType IncidentType, double RadiusMeters, DateTime WindowStart, DateTime WindowEnd,
    DateTime ExpiresAt, int Notified,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool AwaitingReview = false) : AuditEvent, IAgencyFacet, ICaseFacet;

/// <summary>A reviewer approved a request: residents were notified in the same transaction, and its open period started.</summary>
public sealed record RequestApproved(int AgencyId, string CaseNumber, DateTime ExpiresAt, int Notified) : AuditEvent, IAgencyFacet, ICaseFacet;

/// <summary>A reviewer rejected a request: nobody was notified; the officer sees the reason.</summary>
public sealed record RequestRejected(int AgencyId, string CaseNumber, string Reason) : AuditEvent, IAgencyFacet, ICaseFacet;

/// <summary>
/// An admin recorded a legal demand and the clips produced under it (each its own <see cref="DisclosureCreated"/> entry).
/// The case facet is the document's reference; <paramref name="CameraIds"/> lists the covered cameras' ids, comma-separated;
/// <paramref name="NoticeDelayReason"/> is null for an immediate notice.
/// </summary>
public sealed record LegalDemandRecorded(
    int AgencyId, Guid LegalDemandId, LegalBasis LegalBasis, string Court, string CaseNumber,
    DateTime DocumentDate, string DocumentSha256, string CameraIds, DateTime CoveredFrom, DateTime CoveredTo, int ClipsProduced,
    bool AllowDownload, DateTime AccessExpiresAt, DateTime NoticeAt, string? NoticeDelayReason, string ResidentId)
    : AuditEvent, IAgencyFacet, ICaseFacet, ILegalBasisFacet, IResidentFacet;

/// <summary>An admin attached the court order obtained after an emergency demand.</summary>
public sealed record LegalDemandFollowUpAttached(
    int AgencyId, Guid LegalDemandId, LegalBasis LegalBasis, string CaseNumber, string FollowUpReference,
    bool WithinDeadline)
    : AuditEvent, IAgencyFacet, ICaseFacet, ILegalBasisFacet;

/// <summary>The notice sweep told the resident about a legal demand, on or after its notice date.</summary>
public sealed record LegalDemandNoticeDelivered(
    int AgencyId, Guid LegalDemandId, LegalBasis LegalBasis, string CaseNumber, DateTime RecordedAt,
    DateTime NoticeAt, bool Delayed, string ResidentId)
    : AuditEvent, IAgencyFacet, ICaseFacet, ILegalBasisFacet, IResidentFacet;

public sealed record RequestWithdrawn(int AgencyId, string CaseNumber, DateTime WithdrawnAt) : AuditEvent, IAgencyFacet, ICaseFacet;

public sealed record RequestExpired(int AgencyId, string CaseNumber, DateTime ExpiresAt) : AuditEvent, IAgencyFacet, ICaseFacet;

/// <summary>
/// One clip given to an agency: by the resident in answer to a request, or produced by an admin under a legal demand
/// (<paramref name="LegalDemandId"/>, written only then; the case number is then the demand's reference).
/// </summary>
public sealed record DisclosureCreated(
    int AgencyId, Guid? RequestId, string? CaseNumber, IncidentType? IncidentType, LegalBasis LegalBasis, Guid ClipId, string ClipSha256,
    DateTime ClipStart, DateTime ClipEnd, ContactFields RevealedContactFields, bool AllowDownload, DateTime AccessExpiresAt, string ResidentId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? LegalDemandId = null)
    : AuditEvent, IAgencyFacet, ICaseFacet, ILegalBasisFacet, IResidentFacet;

/// <summary>The fields every entry about one existing disclosure repeats, so each can be filtered on its own.</summary>
public abstract record DisclosureEvent(
    int AgencyId, Guid? RequestId, string? CaseNumber, LegalBasis LegalBasis, Guid ClipId, string ClipSha256, string ResidentId)
    : AuditEvent, IAgencyFacet, ICaseFacet, ILegalBasisFacet, IResidentFacet
{
    /// <summary>The case a disclosure is filed under: its request's case number, or its legal demand's reference (load either with it).</summary>
    public static string? CaseOf(Disclosure d) => d.Request?.CaseNumber ?? d.LegalDemand?.Reference;
}

/// <summary>The resident ended the agency's access.</summary>
public sealed record DisclosureRevoked(
    int AgencyId, Guid? RequestId, string? CaseNumber, LegalBasis LegalBasis, Guid ClipId, string ClipSha256, string ResidentId, DateTime RevokedAt)
    : DisclosureEvent(AgencyId, RequestId, CaseNumber, LegalBasis, ClipId, ClipSha256, ResidentId)
{
    public static DisclosureRevoked Of(Disclosure d, DateTime revokedAt) =>
        new(d.AgencyId, d.RequestId, CaseOf(d), d.LegalBasis, d.ClipId, d.ClipSha256, d.ResidentId, revokedAt);
}

/// <summary>The agency's access ended at the expiry the resident chose.</summary>
public sealed record DisclosureExpired(
    int AgencyId, Guid? RequestId, string? CaseNumber, LegalBasis LegalBasis, Guid ClipId, string ClipSha256, string ResidentId, DateTime ExpiredAt)
    : DisclosureEvent(AgencyId, RequestId, CaseNumber, LegalBasis, ClipId, ClipSha256, ResidentId)
{
    public static DisclosureExpired Of(Disclosure d) =>
        new(d.AgencyId, d.RequestId, CaseOf(d), d.LegalBasis, d.ClipId, d.ClipSha256, d.ResidentId, d.AccessExpiresAt);
}

/// <summary>An officer opened a disclosed clip.</summary>
public sealed record ClipViewed(int AgencyId, Guid? RequestId, string? CaseNumber, LegalBasis LegalBasis, Guid ClipId, string ClipSha256, string ResidentId)
    : DisclosureEvent(AgencyId, RequestId, CaseNumber, LegalBasis, ClipId, ClipSha256, ResidentId)
{
    public static ClipViewed Of(Disclosure d) => new(d.AgencyId, d.RequestId, CaseOf(d), d.LegalBasis, d.ClipId, d.ClipSha256, d.ResidentId);
}

/// <summary>An officer downloaded a disclosed clip the resident allowed to be downloaded.</summary>
public sealed record ClipDownloaded(int AgencyId, Guid? RequestId, string? CaseNumber, LegalBasis LegalBasis, Guid ClipId, string ClipSha256, string ResidentId)
    : DisclosureEvent(AgencyId, RequestId, CaseNumber, LegalBasis, ClipId, ClipSha256, ResidentId)
{
    public static ClipDownloaded Of(Disclosure d) => new(d.AgencyId, d.RequestId, CaseOf(d), d.LegalBasis, d.ClipId, d.ClipSha256, d.ResidentId);
}

/// <summary>An auditor looked at the log (the first page of a query).</summary>
public sealed record LogViewed(string Filter, string Sort) : AuditEvent;

public sealed record LogVerified(
    bool IsValid, long EntriesChecked, long HeadSequence, long? FailedSequence, string? Failure, long? CheckpointSequence, string? CheckpointProblem)
    : AuditEvent;

public sealed record LogExported(string Filter, string Format) : AuditEvent;

public sealed record CheckpointSigned(long Sequence, string Hash, string KeyId) : AuditEvent;

public sealed record ReportViewed(int AgencyId, int Year) : AuditEvent, IAgencyFacet;

/// <summary>The <c>create-admin</c> command made an admin account (actor <c>system:cli</c>).</summary>
public sealed record AdminCreated(string StaffId, string Name) : AuditEvent;

public sealed record AgencyCreated(int AgencyId, string Name, string Jurisdiction, string? ContactEmail, bool RequiresReview) : AuditEvent, IAgencyFacet;

/// <summary>An admin renamed, moved, re-addressed, deactivated or reactivated an agency, or switched its review; the record holds the new state.</summary>
public sealed record AgencyChanged(int AgencyId, string Name, string Jurisdiction, string? ContactEmail, bool IsActive, bool RequiresReview)
    : AuditEvent, IAgencyFacet;

/// <summary>An admin gave someone a staff account: who gave whom police or oversight access is on the record.</summary>
public sealed record StaffInvited(string StaffId, string Name, string Role, int? AgencyId) : AuditEvent, IOptionalAgencyFacet;

public sealed record StaffDisabled(string StaffId, string Name, string Role, int? AgencyId) : AuditEvent, IOptionalAgencyFacet;

public sealed record StaffEnabled(string StaffId, string Name, string Role, int? AgencyId) : AuditEvent, IOptionalAgencyFacet;

/// <summary>An officer now belongs to another agency; the facet is the agency they joined.</summary>
public sealed record StaffMoved(string StaffId, string Name, int FromAgencyId, int AgencyId) : AuditEvent, IAgencyFacet;

/// <summary>A resident deleted their account: their live disclosures were revoked in the same transaction.</summary>
public sealed record AccountDeleted(string ResidentId, int DisclosuresRevoked, int CamerasDeleted, int ClipsDeleted) : AuditEvent, IResidentFacet;
