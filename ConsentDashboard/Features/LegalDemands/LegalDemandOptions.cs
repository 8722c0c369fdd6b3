namespace ConsentDashboard.Features.LegalDemands;

/// <summary>The limits on legal demands (<c>ConsentDashboard:LegalDemands</c>).</summary>
public sealed class LegalDemandOptions
{
    public const string SectionName = "ConsentDashboard:LegalDemands";

    /// <summary>The longest a resident's notice may be delayed, with a reason.</summary>
    public int MaxNoticeDelayDays { get; set; } = 90;

    /// <summary>An emergency demand without a court order attached within this many hours is flagged to auditors.</summary>
    public int EmergencyFollowUpHours { get; set; } = 48;

    /// <summary>The longest an emergency demand's notice may be delayed.</summary>
    public int MaxEmergencyNoticeDelayDays { get; set; } = 7;

    /// <summary>The largest document accepted.</summary>
    public long MaxDocumentBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>The longest the agency's access to produced clips may last.</summary>
    public int MaxAccessDays { get; set; } = 365;
}
