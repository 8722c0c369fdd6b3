namespace ConsentDashboard.Data;

public enum NoticeStatus
{
    Pending,
    Shared,
    Declined,
    Ignored,
    Expired,

    /// <summary>The agency withdrew the request before the resident answered.</summary>
    Withdrawn,
}

/// <summary>
/// One per resident matched by a request. Private to that resident: no agency-facing query may read it.
/// </summary>
public class RequestNotice
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    public FootageRequest? Request { get; set; }
    public string ResidentId { get; set; } = "";
    public ApplicationUser? Resident { get; set; }
    public NoticeStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? AnsweredAt { get; set; }
}
