namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>The actions the log records. Stable strings: they are part of the hashed bytes.</summary>
public static class AuditActions
{
    public const string RequestCreated = "RequestCreated";
    public const string RequestWithdrawn = "RequestWithdrawn";
    public const string RequestExpired = "RequestExpired";
    public const string DisclosureCreated = "DisclosureCreated";
    public const string DisclosureRevoked = "DisclosureRevoked";
    public const string DisclosureExpired = "DisclosureExpired";
    public const string ClipViewed = "ClipViewed";
    public const string ClipDownloaded = "ClipDownloaded";
    public const string LegalDemandRecorded = "LegalDemandRecorded";
    public const string LogVerified = "LogVerified";
    public const string LogViewed = "LogViewed";
    public const string LogExported = "LogExported";
    public const string CheckpointSigned = "CheckpointSigned";
    public const string ReportViewed = "ReportViewed";

    /// <summary>Every action, for the auditor's filter.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        RequestCreated, RequestWithdrawn, RequestExpired, DisclosureCreated, DisclosureRevoked, DisclosureExpired, ClipViewed,
        ClipDownloaded, LegalDemandRecorded, LogVerified, LogViewed, LogExported, CheckpointSigned, ReportViewed, AccountCreated,
    ];
    public const string AccountCreated = "AccountCreated";
}
