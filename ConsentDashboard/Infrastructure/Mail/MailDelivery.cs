using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Nodes;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ConsentDashboard.Infrastructure.Mail;

/// <summary>
/// Sends what the outbox holds, oldest first, over one connection per batch. A message is marked sent the moment the
/// server accepts it; one that fails waits longer before each new attempt (30 s doubling to an hour) and is never
/// dropped. A crash between a commit and the send loses nothing: the rows are there when the app starts again.
/// </summary>
public sealed class MailDelivery(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    IMailTransport transport,
    MailOutbox outbox,
    IOptions<SmtpOptions> smtp,
    NodeCoordination nodes,
    TimeProvider time,
    ILogger<MailDelivery> logger) : BackgroundService
{
    public const int BatchSize = 500;

    /// <summary>How often the worker looks without being woken: retries come due while nobody commits anything.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await DeliverDueAsync(stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogError(error, "Mail delivery failed; it tries again shortly.");
            }

            if (sent < BatchSize)
            {
                await outbox.WaitAsync(PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>
    /// Sends one batch of due messages; returns how many the server accepted. With several app nodes, one delivers at a
    /// time (the others would send the same batch again) and the rest return 0.
    /// </summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken = default)
    {
        await using var held = await nodes.TryHoldAsync(nameof(MailDelivery), cancellationToken);
        return held is null ? 0 : await DeliverBatchAsync(cancellationToken);
    }

    private async Task<int> DeliverBatchAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.SentAt == null && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.CreatedAt)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        IMailSession session;
        try
        {
            session = await transport.OpenAsync(cancellationToken);
        }
        catch (Exception error) when (IsDeliveryFailure(error))
        {
            logger.LogWarning("Could not reach the mail server at {Destination}: {Reason} {Count} messages wait for the next attempt.",
                transport.Destination, error.Message, due.Count);
            foreach (var message in due)
            {
                await RecordFailureAsync(db, message, error, cancellationToken);
            }

            return 0;
        }

        var sent = 0;
        await using (session)
        {
            foreach (var message in due)
            {
                try
                {
                    await session.SendAsync(ToMime(message), cancellationToken);
                }
                catch (Exception error) when (IsDeliveryFailure(error))
                {
                    logger.LogWarning("Message {MessageId} ({Kind}) was not accepted: {Reason}", message.Id, message.Kind, error.Message);
                    await RecordFailureAsync(db, message, error, cancellationToken);
                    if (error is not SmtpCommandException)
                    {
                        // The connection itself failed; the rest wait for the next round.
                        break;
                    }

                    continue;
                }

                var at = time.GetUtcNow().UtcDateTime;
                await db.OutboxMessages.Where(m => m.Id == message.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, at).SetProperty(m => m.LastAttemptAt, at).SetProperty(m => m.Attempts, m => m.Attempts + 1),
                        CancellationToken.None);
                sent++;
            }
        }

        if (sent > 0)
        {
            logger.LogInformation("Sent {Count} e-mail messages.", sent);
        }

        return sent;
    }

    /// <summary>The wait before the next attempt after <paramref name="attempts"/> failed ones.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Max(0, attempts - 1))));

    private async Task RecordFailureAsync(ApplicationDbContext db, OutboxMessage message, Exception error, CancellationToken cancellationToken)
    {
        var attempts = message.Attempts + 1;
        var now = time.GetUtcNow().UtcDateTime;
        var next = now + Backoff(attempts);
        var reason = $"{error.GetType().Name}: {error.Message}";
        reason = reason.Length > 500 ? reason[..500] : reason;
        await db.OutboxMessages.Where(m => m.Id == message.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, attempts).SetProperty(m => m.NextAttemptAt, next).SetProperty(m => m.LastError, reason)
                .SetProperty(m => m.LastAttemptAt, now), cancellationToken);
    }

    private MimeMessage ToMime(OutboxMessage message)
    {
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            // A stable id: a resend after a crash is recognisable as the same message.
            MessageId = $"{message.Id:N}@consentdashboard",
            Date = new DateTimeOffset(message.CreatedAt, TimeSpan.Zero),
        };
        mime.From.Add(new MailboxAddress(smtp.Value.FromName, smtp.Value.FromAddress));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return mime;
    }

    private static bool IsDeliveryFailure(Exception error) =>
        error is IOException or System.Net.Sockets.SocketException or SmtpCommandException or SmtpProtocolException
            or ServiceNotConnectedException or ServiceNotAuthenticatedException or MailKit.Security.AuthenticationException
            or System.Security.Authentication.AuthenticationException or ParseException or TimeoutException;
}
