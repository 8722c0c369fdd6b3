using ConsentDashboard.Data;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Browser;

/// <summary>Who signs in as each role the browser scans walk through, and every page that role can reach in the demo city.</summary>
public static class RolePages
{
    public static TheoryData<string> Roles => ["Anonymous", "Resident", "Officer", "Auditor", "Reviewer", "Admin"];

    /// <summary>The demo account of the role; none for an anonymous visitor.</summary>
    public static string? EmailOf(string role) => role switch
    {
        "Resident" => DemoAccounts.Resident,
        "Officer" => DemoAccounts.Officer,
        "Auditor" => DemoAccounts.Auditor,
        "Reviewer" => DemoAccounts.Reviewer,
        "Admin" => DemoAccounts.Admin,
        _ => null,
    };

    /// <summary>Every page of the role, with a real request or notice where the route takes an id.</summary>
    public static async Task<List<string>> OfAsync(KestrelAppFactory app, string role)
    {
        await using var db = app.CreateDbContext();
        switch (role)
        {
            case "Resident":
                var email = EmailOf(role);
                var notice = await db.RequestNotices.Where(n => n.Resident!.Email == email).Select(n => n.Id).FirstAsync();
                return ["/inbox", $"/inbox/{notice}", "/cameras", "/clips", "/disclosures", "/preferences", "/Account/Manage", "/public/requests"];
            case "Officer":
                var request = await db.FootageRequests.Where(r => r.Status == RequestStatus.Open).Select(r => r.Id).FirstAsync();
                return ["/agency/requests", "/agency/requests/new", $"/agency/requests/{request}"];
            case "Auditor":
                return ["/audit", "/audit/verify", "/audit/report", "/audit/legal-demands"];
            case "Reviewer":
                return ["/review"];
            case "Admin":
                return ["/admin", "/admin/legal-demands", "/admin/legal-demands/new"];
            default:
                return ["/", "/Account/Login", "/Account/Register", "/Account/ForgotPassword", "/privacy", "/public/requests", "/log/heads", "/log/check-receipt"];
        }
    }

    /// <summary>The account-management pages every signed-in person has (the ones that need a prior step, such as recovery codes, are reached through it).</summary>
    public static IReadOnlyList<string> AccountManagement =>
    [
        "/Account/Manage", "/Account/Manage/Email", "/Account/Manage/ChangePassword", "/Account/Manage/TwoFactorAuthentication",
        "/Account/Manage/EnableAuthenticator", "/Account/Manage/Passkeys", "/Account/Manage/PersonalData", "/Account/Manage/DeletePersonalData",
        "/Account/Manage/ResetAuthenticator",
    ];
}
