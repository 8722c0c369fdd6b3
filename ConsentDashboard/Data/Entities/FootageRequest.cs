namespace ConsentDashboard.Data;

public enum RequestStatus
{
    Open,
    Closed,
    Withdrawn,
    Expired,

    /// <summary>Filed by an agency that needs review: nobody has been notified yet.</summary>
    PendingReview,

    /// <summary>A reviewer refused it: nobody was ever notified.</summary>
    Rejected,
}

public static class RequestStatusText
{
    /// <summary>A status as people read it: "Awaiting review" rather than the enum's name.</summary>
    public static string Label(this RequestStatus status) => status == RequestStatus.PendingReview ? "Awaiting review" : status.ToString();
}

/// <summary>
/// Fixed list of incident types. There is deliberately no category for protests or any other lawful activity.
/// </summary>
public enum IncidentType
{
    Burglary,
    Robbery,
    Assault,
    VehicleTheft,
    HitAndRun,
    Vandalism,
    PackageTheft,
    MissingPerson,
    Homicide,
    Other,
}

public class FootageRequest
{
    /// <summary>The one definition of an open request: residents can still answer it and the agency can still withdraw it.</summary>
    public static readonly TimedRule<FootageRequest> Open = new((r, now) => r.Status == RequestStatus.Open && r.ExpiresAt > now);

    public Guid Id { get; set; }
    public int AgencyId { get; set; }
    public Agency? Agency { get; set; }
    public string OfficerId { get; set; } = "";
    public ApplicationUser? Officer { get; set; }
    public string CaseNumber { get; set; } = "";
    public IncidentType IncidentType { get; set; }
    public string Description { get; set; } = "";
    public string OfficerContact { get; set; } = "";
    public double CenterLatitude { get; set; }
    public double CenterLongitude { get; set; }
    public double RadiusMeters { get; set; }
    public DateTime WindowStart { get; set; }
    public DateTime WindowEnd { get; set; }
    /// <summary>When the officer filed it.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>When residents were notified: at filing, or at approval when the agency needs review; null until then.</summary>
    public DateTime? OpenedAt { get; set; }

    /// <summary>The end of the open period; while a request awaits review, the same distance from filing as the officer chose.</summary>
    public DateTime ExpiresAt { get; set; }

    /// <summary>When it was withdrawn, expired or rejected.</summary>
    public DateTime? ClosedAt { get; set; }

    public RequestStatus Status { get; set; }

    /// <summary>The reviewer who approved or rejected it, and when.</summary>
    public string? ReviewedById { get; set; }
    public DateTime? ReviewedAt { get; set; }

    /// <summary>Why a reviewer rejected it; the officer sees it.</summary>
    public string? RejectionReason { get; set; }

    public bool IsOpenAt(DateTime utcNow) => Open.IsMetBy(this, utcNow);

    /// <summary>The status as people should see it: a request past its expiry reads as expired before the sweep closes it.</summary>
    public RequestStatus StatusAt(DateTime utcNow) => Status == RequestStatus.Open && !IsOpenAt(utcNow) ? RequestStatus.Expired : Status;
}
