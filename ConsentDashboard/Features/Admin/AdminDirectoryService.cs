using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Mail;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.Admin;

public sealed record AgencyRow(int Id, string Name, string Jurisdiction, string? ContactEmail, bool IsActive, bool RequiresReview, int Officers);

public enum StaffStatus
{
    Active,

    /// <summary>Invited, no password chosen yet.</summary>
    Invited,
    Disabled,
    LockedOut,
}

public sealed record StaffRow(string Id, string Email, string DisplayName, string Role, int? AgencyId, string? Agency, StaffStatus Status);

/// <summary>The mail queue as an admin sees it: whether e-mail is flowing, never what it says or to whom.</summary>
public sealed record MailQueueStatus(int Waiting, int SentToday, DateTime? OldestWaitingSince, string? LastError, DateTime? LastErrorAt, string Destination);

/// <summary>What the admin console lists: agencies, staff (never residents), and the state of the mail queue.</summary>
public sealed class AdminDirectoryService(IDbContextFactory<ApplicationDbContext> dbFactory, IMailTransport transport, TimeProvider time)
{
    public async Task<IReadOnlyList<AgencyRow>> ListAgenciesAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        user.RequireRole(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Agencies.AsNoTracking()
            .OrderBy(a => a.Name)
            .Select(a => new AgencyRow(a.Id, a.Name, a.Jurisdiction, a.ContactEmail, a.IsActive, a.RequiresReview, db.Users.Count(u => u.AgencyId == a.Id)))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Officers, auditors and admins. Residents are not staff and are not listed.</summary>
    public async Task<IReadOnlyList<StaffRow>> ListStaffAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        user.RequireRole(Roles.Admin);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.MembersOf(Roles.Staff)
            .Select(m => new
            {
                m.Account.Id, m.Account.Email, m.Account.DisplayName, m.Role, m.Account.AgencyId, Agency = m.Account.Agency!.Name, m.Account.LockoutEnd,
                m.Account.DisabledAt, Invited = m.Account.PasswordHash == null,
            })
            .ToListAsync(cancellationToken);
        return rows
            .OrderBy(r => r.Role).ThenBy(r => r.DisplayName)
            .Select(r => new StaffRow(r.Id, r.Email ?? "", r.DisplayName, r.Role, r.AgencyId, r.Agency,
                r.DisabledAt is not null ? StaffStatus.Disabled
                : r.Invited ? StaffStatus.Invited
                : r.LockoutEnd > now ? StaffStatus.LockedOut
                : StaffStatus.Active))
            .ToList();
    }

    public async Task<MailQueueStatus> MailQueueAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        user.RequireRole(Roles.Admin);
        var today = time.GetUtcNow().UtcDateTime.Date;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var waiting = await db.OutboxMessages.CountAsync(m => m.SentAt == null, cancellationToken);
        var oldest = await db.OutboxMessages.Where(m => m.SentAt == null).MinAsync(m => (DateTime?)m.CreatedAt, cancellationToken);
        var sentToday = await db.OutboxMessages.CountAsync(m => m.SentAt >= today, cancellationToken);
        var failure = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.SentAt == null && m.LastError != null)
            .OrderByDescending(m => m.LastAttemptAt)
            .Select(m => new { m.LastError, m.LastAttemptAt })
            .FirstOrDefaultAsync(cancellationToken);
        return new MailQueueStatus(waiting, sentToday, oldest, failure?.LastError, failure?.LastAttemptAt, transport.Destination);
    }
}
