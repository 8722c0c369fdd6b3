using System.Security.Claims;

namespace ConsentDashboard.Tests.Support;

/// <summary>Signed-in users as the services see them: an id and a role, nothing else.</summary>
public static class Principals
{
    public static ClaimsPrincipal For(string userId, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId), new Claim(ClaimTypes.Role, role)], "Test"));
}
