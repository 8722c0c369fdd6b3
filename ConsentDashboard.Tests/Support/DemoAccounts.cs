using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Seeding;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Support;

public static class DemoAccounts
{
    public static string FirstOf(string role) => DemoCity.SignIns.First(s => s.Role == role).Email;

    public static string Admin => FirstOf(Roles.Admin);
    public static string Officer => FirstOf(Roles.Officer);
    public static string Auditor => FirstOf(Roles.Auditor);
    public static string Reviewer => FirstOf(Roles.Reviewer);
    public static string Resident => FirstOf(Roles.Resident);
    public static string OtherResident => DemoCity.SignIns.Where(s => s.Role == Roles.Resident).Skip(1).First().Email;

    /// <summary>The first demo account of <paramref name="role"/>, signed in as that role, for calling the app's services.</summary>
    public static async Task<ClaimsPrincipal> PrincipalAsync(ApplicationDbContext db, string role)
    {
        var email = FirstOf(role);
        return Principals.For(await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync(), role);
    }
}
