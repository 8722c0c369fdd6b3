using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Localization;
using ConsentDashboard.Infrastructure.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Features.Requests;

/// <summary>
/// Tells each notified resident about a new request by e-mail, written to the outbox in the request's own transaction:
/// one message to that resident alone, with the agency, the incident type, the window's day and the closing time in
/// their own time zone, and a link to their notice. No area, no map, no word about anyone else asked; never a reminder.
/// </summary>
public sealed class RequestNoticeMail(MailOutbox outbox, MailTemplates templates, IOptions<ConsentDashboardOptions> options)
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
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.TimeZone, u.Language })
            .ToDictionaryAsync(u => u.Id, cancellationToken);
        var agency = await db.Agencies.Where(a => a.Id == request.AgencyId).Select(a => a.Name).SingleAsync(cancellationToken);
        foreach (var notice in notices)
        {
            if (!recipients.TryGetValue(notice.ResidentId, out var resident))
            {
                continue;
            }

            // In the resident's language and time zone, whoever filed or approved the request.
            var clock = ViewerClock.FromZoneId(resident.TimeZone);
            using (AppCultures.Speaking(resident.Language ?? AppCultures.English))
            {
                outbox.Queue(db, resident.Email!, Kind, templates.RequestNotice(
                    resident.DisplayName,
                    agency,
                    request.IncidentType,
                    clock.Day(request.WindowStart),
                    clock.Moment(request.ExpiresAt),
                    options.Value.LinkTo($"inbox/{notice.Id}")));
            }
        }
    }
}
