namespace ConsentDashboard.Data;

/// <summary>
/// One e-mail waiting to be sent, written in the same transaction as the change that causes it and sent after commit by
/// the mail delivery worker. One recipient per message: nobody ever sees who else was written to.
/// </summary>
public class OutboxMessage
{
    public Guid Id { get; set; }
    public string To { get; set; } = "";
    public string Subject { get; set; } = "";
    public string TextBody { get; set; } = "";
    public string? HtmlBody { get; set; }

    /// <summary>What the message is about ("request-notice", "invitation", …), for the admin's queue view.</summary>
    public string Kind { get; set; } = "";

    public DateTime CreatedAt { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }

    /// <summary>When the worker last tried, whatever the outcome.</summary>
    public DateTime? LastAttemptAt { get; set; }

    /// <summary>Why the last attempt failed, as the mail server said it; never the message's content.</summary>
    public string? LastError { get; set; }
}
