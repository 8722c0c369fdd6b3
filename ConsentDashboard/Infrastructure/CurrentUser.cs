using System.Security.Claims;

namespace ConsentDashboard.Infrastructure;

/// <summary>
/// Service-layer checks: Blazor events arrive over the circuit and never pass the HTTP authorisation middleware,
/// so every service method checks the caller itself.
/// </summary>
public static class CurrentUser
{
    public static string RequireRole(this ClaimsPrincipal user, string role)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null || !user.IsInRole(role))
        {
            throw new UnauthorizedAccessException($"This action needs the {role} role.");
        }

        return id;
    }
}
