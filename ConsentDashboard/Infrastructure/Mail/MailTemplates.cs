using System.Globalization;
using System.Text.Encodings.Web;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Localization;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Infrastructure.Mail;

/// <summary>
/// The words of every e-mail the product sends, in the language the caller is speaking (see
/// <see cref="Localization.AppCultures.Speaking"/>: a message is written in its recipient's language). Each message goes
/// to one person, names only what concerns them, and carries at most one link. Values are HTML-encoded for the HTML part.
/// </summary>
public sealed class MailTemplates(IStringLocalizer<AppText> text)
{
    public MailContent ConfirmAccount(string? name, string link) => Compose(
        text["Confirm your ConsentDashboard account"],
        Greeting(name),
        [text["Please confirm your e-mail address to finish creating your ConsentDashboard account."]],
        (text["Confirm my address"], link),
        text["If you did not create an account, you can ignore this message."]);

    public MailContent ResetPassword(string? name, string link) => Compose(
        text["Choose a new ConsentDashboard password"],
        Greeting(name),
        [text["Someone asked to reset the password of your ConsentDashboard account. The link below works once, for one day."]],
        (text["Choose a new password"], link),
        text["If it was not you, ignore this message: your password stays as it is."]);

    /// <summary>Someone tried to register an address that already has an account; only its owner hears about it.</summary>
    public MailContent AlreadyRegistered(string? name, string resetLink) => Compose(
        text["Someone tried to register your address on ConsentDashboard"],
        Greeting(name),
        [text["Someone just tried to create a ConsentDashboard account with this e-mail address, which already has one. No new account was made."],
            text["If it was you, sign in as usual; if you forgot your password, choose a new one with the link below."]],
        (text["Choose a new password"], resetLink),
        text["If it was not you, you need do nothing: your account is unchanged."]);

    public MailContent ResetCode(string? name, string code) => Compose(
        text["Your ConsentDashboard password reset code"],
        Greeting(name),
        [text["Someone asked to reset the password of your ConsentDashboard account. Your code is {0}.", code]],
        null,
        text["If it was not you, ignore this message: your password stays as it is."]);

    public MailContent Invitation(string? name, string role, string? agency, string link, TimeSpan validFor) => Compose(
        text["You have a ConsentDashboard staff account"],
        Greeting(name),
        [
            agency is not null ? text["An administrator created a ConsentDashboard account for you as an officer of {0}.", agency]
                : role == Roles.Admin ? text["An administrator created a ConsentDashboard account for you as an administrator."]
                : role == Roles.Auditor ? text["An administrator created a ConsentDashboard account for you as an auditor."]
                : text["An administrator created a ConsentDashboard account for you as a reviewer."],
            text["Choose your password with the link below within {0} hours. After that, the page lets you ask for a new link.", validFor.TotalHours.ToString("0")],
        ],
        (text["Choose my password"], link),
        text["If you did not expect this, tell your administrator; nobody can sign in to the account until a password is chosen."]);

    /// <summary>A new footage request reached the resident. No area, no map, nothing about anyone else.</summary>
    public MailContent RequestNotice(string? name, string agency, IncidentType incident, string windowDay, string closes, string link) => Compose(
        text["{0} asks for camera footage ({1})", agency, text.Words(incident).ToLower(CultureInfo.CurrentCulture)],
        Greeting(name),
        [
            text["{0} is asking residents with cameras nearby for footage of {1}, about an incident recorded as {2}.", agency, windowDay, text.Words(incident).ToLower(CultureInfo.CurrentCulture)],
            text["You decide, clip by clip, whether to share anything. Declining or doing nothing is private: the agency never learns who was asked or who said no. The request closes on {0}.", closes],
        ],
        (text["Open the request"], link),
        text["You can stop these e-mails in your preferences. There will be no reminder."]);

    /// <summary>A legal demand's notice reached the resident: on its notice date, never before it.</summary>
    public MailContent LegalDemandNotice(string? name, string agency, LegalBasis basis, string citation, int clips, string producedOn, string? delay, string link) => Compose(
        text["Legal demand from {0}: your footage was produced", agency],
        Greeting(name),
        [
            clips == 1
                ? text["{0} obtained 1 clip of your camera footage on {1} under {2} ({3}). You were not asked for consent, and you cannot revoke this disclosure.", agency, producedOn, text.UnderBasis(basis), citation]
                : text["{0} obtained {1} clips of your camera footage on {2} under {3} ({4}). You were not asked for consent, and you cannot revoke this disclosure.", agency, clips, producedOn, text.UnderBasis(basis), citation],
            delay is null ? text["You are told as soon as it was recorded."] : text["Telling you was delayed until now: {0}", delay],
            text["Your disclosures page lists each clip, when the agency opened it, and a receipt you can check against the public log."],
        ],
        (text["See what was produced"], link),
        text["This message is sent once. Your account and your other disclosures are unchanged."]);

    private string Greeting(string? name) => string.IsNullOrWhiteSpace(name) ? text["Hello,"] : text["Hello {0},", name];

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
            <html lang="{CultureInfo.CurrentUICulture.TwoLetterISOLanguageName}"><body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1b1b;">
            <p>{html.Encode(greeting)}</p>{body}{button}
            <p style="color: #555555;">{html.Encode(footer)}</p>
            </body></html>
            """;
        return new MailContent(subject, text, htmlText);
    }
}
