using ConsentDashboard.Data;
using Microsoft.AspNetCore.Identity;

namespace ConsentDashboard.Components.Account;

/// <summary>
/// Writes account e-mails to the log instead of sending them, so confirmation works without a mail server.
/// The confirmation page also shows the link directly while this sender is in use.
/// </summary>
internal sealed class LoggingEmailSender(ILogger<LoggingEmailSender> logger) : IEmailSender<ApplicationUser>
{
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink)
    {
        logger.LogInformation("Confirmation link for {Email}: {Link}", email, System.Net.WebUtility.HtmlDecode(confirmationLink));
        return Task.CompletedTask;
    }

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink)
    {
        logger.LogInformation("Password reset link for {Email}: {Link}", email, System.Net.WebUtility.HtmlDecode(resetLink));
        return Task.CompletedTask;
    }

    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode)
    {
        logger.LogInformation("Password reset code for {Email}: {Code}", email, resetCode);
        return Task.CompletedTask;
    }
}
