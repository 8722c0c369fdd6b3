using System.Text;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Features.Admin;

/// <summary>Why a staff account gets a link to choose its first password, and how long that link works.</summary>
public enum PasswordLinkKind
{
    /// <summary>An admin invited the account: the link in the invitation e-mail works for 72 hours.</summary>
    Invitation,

    /// <summary>The <c>create-admin</c> command made the first admin: the printed link works for 24 hours.</summary>
    FirstAdmin,
}

/// <summary>
/// One-time links for a staff account to choose its first password. A link carries an Identity token bound to the
/// account's security stamp, so it stops working once a password is set or the account is disabled.
/// </summary>
public sealed class StaffPasswordLinks(UserManager<ApplicationUser> users, IOptions<ConsentDashboardOptions> options)
{
    public const string Page = "Account/ChoosePassword";
    private const string Purpose = "choose-first-password";

    public static TimeSpan ValidFor(PasswordLinkKind kind) => kind == PasswordLinkKind.Invitation ? TimeSpan.FromHours(72) : TimeSpan.FromHours(24);

    public async Task<string> CreateAsync(ApplicationUser user, PasswordLinkKind kind)
    {
        var token = await users.GenerateUserTokenAsync(user, ProviderFor(kind), Purpose);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        return options.Value.LinkTo($"{Page}?userId={Uri.EscapeDataString(user.Id)}&code={code}&kind={kind}");
    }

    /// <summary>True while the link is unexpired, unused, and the account still has no password and is not disabled.</summary>
    public async Task<bool> IsValidAsync(ApplicationUser user, PasswordLinkKind kind, string code)
    {
        if (user.PasswordHash is not null || user.DisabledAt is not null)
        {
            return false;
        }

        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return false;
        }

        return await users.VerifyUserTokenAsync(user, ProviderFor(kind), Purpose, token);
    }

    private static string ProviderFor(PasswordLinkKind kind) =>
        kind == PasswordLinkKind.Invitation ? InvitationTokenProvider.ProviderName : FirstAdminTokenProvider.ProviderName;
}

public sealed class InvitationTokenProviderOptions : DataProtectionTokenProviderOptions
{
    public InvitationTokenProviderOptions()
    {
        Name = InvitationTokenProvider.ProviderName;
        TokenLifespan = StaffPasswordLinks.ValidFor(PasswordLinkKind.Invitation);
    }
}

public sealed class InvitationTokenProvider(
    IDataProtectionProvider protection, IOptions<InvitationTokenProviderOptions> options, ILogger<DataProtectorTokenProvider<ApplicationUser>> logger)
    : DataProtectorTokenProvider<ApplicationUser>(protection, options, logger)
{
    public const string ProviderName = "StaffInvitation";
}

public sealed class FirstAdminTokenProviderOptions : DataProtectionTokenProviderOptions
{
    public FirstAdminTokenProviderOptions()
    {
        Name = FirstAdminTokenProvider.ProviderName;
        TokenLifespan = StaffPasswordLinks.ValidFor(PasswordLinkKind.FirstAdmin);
    }
}

public sealed class FirstAdminTokenProvider(
    IDataProtectionProvider protection, IOptions<FirstAdminTokenProviderOptions> options, ILogger<DataProtectorTokenProvider<ApplicationUser>> logger)
    : DataProtectorTokenProvider<ApplicationUser>(protection, options, logger)
{
    public const string ProviderName = "FirstAdmin";
}
