using System.Net;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Localization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Infrastructure.Mail;

/// <summary>
/// Identity's account e-mails (confirmation, password reset) go through the outbox like every other message, so they
/// survive a mail-server outage and no link is ever written to a log.
/// </summary>
public sealed class OutboxEmailSender(IDbContextFactory<ApplicationDbContext> dbFactory, MailOutbox outbox, MailTemplates templates) : IEmailSender<ApplicationUser>
{
    // Each message is written in the account's language; an account that never chose one hears in the page's language.
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) =>
        QueueAsync(email, "account-confirmation", user, () => templates.ConfirmAccount(user.DisplayName, WebUtility.HtmlDecode(confirmationLink)));

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) =>
        QueueAsync(email, "password-reset", user, () => templates.ResetPassword(user.DisplayName, WebUtility.HtmlDecode(resetLink)));

    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode) =>
        QueueAsync(email, "password-reset", user, () => templates.ResetCode(user.DisplayName, resetCode));

    private Task QueueAsync(string email, string kind, ApplicationUser user, Func<MailContent> compose)
    {
        using (AppCultures.Speaking(user.Language))
        {
            return QueueAsync(email, kind, compose());
        }
    }

    private async Task QueueAsync(string email, string kind, MailContent content)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        outbox.Queue(db, email, kind, content);
        await db.SaveChangesAsync();
        outbox.Wake();
    }
}
