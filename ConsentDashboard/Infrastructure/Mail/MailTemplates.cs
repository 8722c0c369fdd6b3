using System.Text.Encodings.Web;

namespace ConsentDashboard.Infrastructure.Mail;

/// <summary>
/// The words of every e-mail the product sends. Each message goes to one person, names only what concerns them, and
/// carries at most one link. Values are HTML-encoded for the HTML part.
/// </summary>
public static class MailTemplates
{
    public static MailContent ConfirmAccount(string name, string link) => Compose(
        "Confirm your ConsentDashboard account",
        $"Hello {name},",
        ["Please confirm your e-mail address to finish creating your ConsentDashboard account."],
        ("Confirm my address", link),
        "If you did not create an account, you can ignore this message.");

    public static MailContent ResetPassword(string name, string link) => Compose(
        "Choose a new ConsentDashboard password",
        $"Hello {name},",
        ["Someone asked to reset the password of your ConsentDashboard account. The link below works once, for one day."],
        ("Choose a new password", link),
        "If it was not you, ignore this message: your password stays as it is.");

    /// <summary>Someone tried to register an address that already has an account; only its owner hears about it.</summary>
    public static MailContent AlreadyRegistered(string name, string resetLink) => Compose(
        "Someone tried to register your address on ConsentDashboard",
        $"Hello {name},",
        ["Someone just tried to create a ConsentDashboard account with this e-mail address, which already has one. No new account was made.",
            "If it was you, sign in as usual; if you forgot your password, choose a new one with the link below."],
        ("Choose a new password", resetLink),
        "If it was not you, you need do nothing: your account is unchanged.");

    public static MailContent ResetCode(string name, string code) => Compose(
        "Your ConsentDashboard password reset code",
        $"Hello {name},",
        [$"Someone asked to reset the password of your ConsentDashboard account. Your code is {code}."],
        null,
        "If it was not you, ignore this message: your password stays as it is.");

    public static MailContent Invitation(string name, string role, string? agency, string link, TimeSpan validFor) => Compose(
        "You have a ConsentDashboard staff account",
        $"Hello {name},",
        [
            agency is null
                ? $"An administrator created a ConsentDashboard account for you as {Article(role)} {role.ToLowerInvariant()}."
                : $"An administrator created a ConsentDashboard account for you as an officer of {agency}.",
            $"Choose your password with the link below within {validFor.TotalHours:0} hours. After that, the page lets you ask for a new link.",
        ],
        ("Choose my password", link),
        "If you did not expect this, tell your administrator; nobody can sign in to the account until a password is chosen.");

    /// <summary>A new footage request reached the resident. No area, no map, nothing about anyone else.</summary>
    public static MailContent RequestNotice(string name, string agency, string incident, string windowDay, string closes, string link) => Compose(
        $"{agency} asks for camera footage ({incident.ToLowerInvariant()})",
        $"Hello {name},",
        [
            $"{agency} is asking residents with cameras nearby for footage of {windowDay}, about an incident recorded as {incident.ToLowerInvariant()}.",
            $"You decide, clip by clip, whether to share anything. Declining or doing nothing is private: the agency never learns who was asked or who said no. The request closes {closes}.",
        ],
        ("Open the request", link),
        "You can stop these e-mails in your preferences. There will be no reminder.");

    /// <summary>A legal demand's notice reached the resident: on its notice date, never before it.</summary>
    public static MailContent LegalDemandNotice(string name, string agency, string underBasis, string citation, int clips, string producedOn, string? delay, string link) => Compose(
        $"Legal demand from {agency}: your footage was produced",
        $"Hello {name},",
        [
            $"{agency} obtained {clips} {(clips == 1 ? "clip" : "clips")} of your camera footage on {producedOn} under {underBasis} ({citation}). You were not asked for consent, and you cannot revoke this disclosure.",
            delay is null ? "You are told as soon as it was recorded." : $"Telling you was delayed until now: {delay}",
            "Your disclosures page lists each clip, when the agency opened it, and a receipt you can check against the public log.",
        ],
        ("See what was produced", link),
        "This message is sent once. Your account and your other disclosures are unchanged.");

    private static string Article(string word) => "AEIOU".Contains(char.ToUpperInvariant(word[0])) ? "an" : "a";

    private static MailContent Compose(string subject, string greeting, string[] paragraphs, (string Label, string Url)? link, string footer)
    {
        string[] lines = link is { } action ? [greeting, .. paragraphs, $"{action.Label}: {action.Url}", footer] : [greeting, .. paragraphs, footer];
        var text = string.Join("\n\n", lines) + "\n";
        var html = HtmlEncoder.Default;
        var body = string.Concat(paragraphs.Select(p => $"<p>{html.Encode(p)}</p>"));
        var button = link is { } a
            ? $"""<p><a href="{html.Encode(a.Url)}" style="background: #1f5f4a; color: #ffffff; padding: 10px 16px; border-radius: 4px; text-decoration: none;">{html.Encode(a.Label)}</a></p>"""
            : "";
        var htmlText = $"""
            <!DOCTYPE html>
            <html lang="en"><body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1b1b;">
            <p>{html.Encode(greeting)}</p>{body}{button}
            <p style="color: #555555;">{html.Encode(footer)}</p>
            </body></html>
            """;
        return new MailContent(subject, text, htmlText);
    }
}
