using ConsentDashboard.Data;

namespace ConsentDashboard.Infrastructure.Mail;

/// <summary>What one e-mail says. The text part is always there; the HTML part carries the same words.</summary>
public sealed record MailContent(string Subject, string Text, string Html);

/// <summary>
/// Queues e-mail in the caller's own database context, so a message is stored with the change that causes it and sent
/// only once that change commits. <see cref="Wake"/> after committing lets the delivery worker start at once.
/// </summary>
public sealed class MailOutbox(TimeProvider time)
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public OutboxMessage Queue(ApplicationDbContext db, string to, string kind, MailContent content)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var message = new OutboxMessage
        {
            Id = Guid.NewGuid(),
            To = to,
            Kind = kind,
            Subject = content.Subject,
            TextBody = content.Text,
            HtmlBody = content.Html,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.OutboxMessages.Add(message);
        return message;
    }

    /// <summary>Tells the delivery worker that committed messages are waiting.</summary>
    public void Wake()
    {
        lock (_signal)
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
    }

    /// <summary>Waits until <see cref="Wake"/> is called or <paramref name="poll"/> passes.</summary>
    internal async Task WaitAsync(TimeSpan poll, CancellationToken cancellationToken) => await _signal.WaitAsync(poll, cancellationToken);
}
