namespace ConsentDashboard.Infrastructure;

public static class Roles
{
    public const string Resident = "Resident";
    public const string Officer = "Officer";
    public const string Auditor = "Auditor";
    public const string Admin = "Admin";

    /// <summary>Civilian oversight: approves or rejects requests before any resident is notified; belongs to no agency.</summary>
    public const string Reviewer = "Reviewer";

    public static readonly IReadOnlyList<string> All = [Resident, Officer, Auditor, Reviewer, Admin];

    /// <summary>Accounts an admin creates; residents register themselves and are never staff.</summary>
    public static readonly IReadOnlyList<string> Staff = [Officer, Auditor, Reviewer, Admin];

    /// <summary>The page each role lands on from <c>/</c>.</summary>
    public static string StartPageFor(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(Admin) ? "/admin"
        : user.IsInRole(Auditor) ? "/audit"
        : user.IsInRole(Reviewer) ? "/review"
        : user.IsInRole(Officer) ? "/agency/requests"
        : user.IsInRole(Resident) ? "/inbox"
        : "/";
}
