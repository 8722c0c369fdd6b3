namespace ConsentDashboard.Components.Layout;

/// <summary>The light/dark choice, remembered in a cookie so the server renders the right palette first time.</summary>
public static class ThemePreference
{
    public const string CookieName = "cd-theme";
    public const string CascadeName = "InitialDarkMode";

    public static bool IsDark(HttpRequest request) => request.Cookies[CookieName] == "dark";
}
