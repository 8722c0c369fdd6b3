using System.Net;
using ConsentDashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Infrastructure.Mail;

/// <summary>
/// Identity's account e-mails (confirmation, password reset) go through the outbox like every other message, so they
/// survive a mail-server outage and no link is ever written to a log.
/// </summary>
public sealed class OutboxEmailSender(IDbContextFactory<ApplicationDbContext> dbFactory, MailOutbox outbox) : IEmailSender<ApplicationUser>
{
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) =>
        QueueAsync(email, "account-confirmation", MailTemplates.ConfirmAccount(NameOf(user), WebUtility.HtmlDecode(confirmationLink)));

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) =>
        QueueAsync(email, "password-reset", MailTemplates.ResetPassword(NameOf(user), WebUtility.HtmlDecode(resetLink)));

    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode) =>
        QueueAsync(email, "password-reset", MailTemplates.ResetCode(NameOf(user), resetCode));

    private static string NameOf(ApplicationUser user) => string.IsNullOrWhiteSpace(user.DisplayName) ? "there" : user.DisplayName;

    private async Task QueueAsync(string email, string kind, MailContent content)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        outbox.Queue(db, email, kind, content);
        await db.SaveChangesAsync();
        outbox.Wake();
    }
}
