namespace ConsentDashboard.Infrastructure;

public static class ReturnUrls
{
    /// <summary>
    /// The address to go back to after a switch (language, theme): the given path if it stays on this site, else the
    /// start page, so a crafted link cannot send anyone elsewhere.
    /// </summary>
    public static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
