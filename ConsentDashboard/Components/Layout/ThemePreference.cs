using ConsentDashboard.Infrastructure;

namespace ConsentDashboard.Components.Layout;

/// <summary>The light/dark choice, remembered in a cookie so the server renders the right palette first time.</summary>
public static class ThemePreference
{
    public const string CookieName = "cd-theme";
    public const string CascadeName = "InitialDarkMode";

    public static bool IsDark(HttpRequest request) => request.Cookies[CookieName] == "dark";

    /// <summary>
    /// <c>GET /theme/{dark|light}?returnUrl=…</c>: how a page without a circuit switches (an interactive page switches in
    /// place and sets the same cookie from script). Goes back to the local page it came from.
    /// </summary>
    public static IEndpointRouteBuilder MapThemeSwitch(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/theme/{mode}", (string mode, string? returnUrl, HttpContext context) =>
        {
            if (mode is not ("dark" or "light"))
            {
                return Results.NotFound();
            }

            // Readable by the page's script, which sets it itself on interactive pages; it holds a colour scheme only.
            context.Response.Cookies.Append(CookieName, mode,
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps });
            return Results.LocalRedirect(ReturnUrls.LocalOrHome(returnUrl));
        });
        return endpoints;
    }
}
