using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Features.Requests;

/// <summary>
/// Tells each notified resident about a new request by e-mail, written to the outbox in the request's own transaction:
/// one message to that resident alone, with the agency, the incident type, the window's day and the closing time in
/// their own time zone, and a link to their notice. No area, no map, no word about anyone else asked; never a reminder.
/// </summary>
public sealed class RequestNoticeMail(MailOutbox outbox, IOptions<ConsentDashboardOptions> options)
{
    public const string Kind = "request-notice";

    /// <summary>Queues the messages; the caller commits them with the request and then calls <see cref="MailOutbox.Wake"/>.</summary>
    public async Task QueueAsync(ApplicationDbContext db, FootageRequest request, IReadOnlyList<RequestNotice> notices, CancellationToken cancellationToken = default)
    {
        if (notices.Count == 0)
        {
            return;
        }

        var residentIds = notices.Select(n => n.ResidentId).ToList();
        var recipients = await db.Users.AsNoTracking()
            .Where(u => residentIds.Contains(u.Id) && u.EmailAboutRequests && u.EmailConfirmed && u.Email != null)
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.TimeZone })
            .ToDictionaryAsync(u => u.Id, cancellationToken);
        var agency = await db.Agencies.Where(a => a.Id == request.AgencyId).Select(a => a.Name).SingleAsync(cancellationToken);
        var incident = Formats.Words(request.IncidentType);
        foreach (var notice in notices)
        {
            if (!recipients.TryGetValue(notice.ResidentId, out var resident))
            {
                continue;
            }

            var clock = ViewerClock.FromZoneId(resident.TimeZone);
            var zone = clock.IsUtc ? "" : $" ({clock.ZoneName} time)";
            outbox.Queue(db, resident.Email!, Kind, MailTemplates.RequestNotice(
                string.IsNullOrWhiteSpace(resident.DisplayName) ? "there" : resident.DisplayName,
                agency,
                incident,
                clock.Day(request.WindowStart),
                $"on {clock.Moment(request.ExpiresAt)}{zone}",
                options.Value.LinkTo($"inbox/{notice.Id}")));
        }
    }
}
