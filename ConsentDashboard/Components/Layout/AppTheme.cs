using MudBlazor;

namespace ConsentDashboard.Components.Layout;

/// <summary>
/// One palette for the whole app, the static sign-in pages included (app.css reads the same colours). Every text colour
/// and every filled control's text meets WCAG AA (4.5:1) on its background in both themes: the status colours are darker
/// than MudBlazor's in light mode, and in dark mode filled controls carry dark text on their light fills.
/// </summary>
public static class AppTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#2E5E4E",
            Secondary = "#8A5A44",
            Info = "#0B5CAD",
            Success = "#1E6B3A",
            Warning = "#8A4B00",
            Error = "#B3261E",
            TextSecondary = "rgba(0,0,0,0.66)",
            AppbarBackground = "#2E5E4E",
            Background = "#F6F7F5",
            Surface = "#FFFFFF",
            DrawerBackground = "#FFFFFF",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7CC4A8",
            PrimaryContrastText = "#0B1713",
            Secondary = "#E0A582",
            SecondaryContrastText = "#1B120D",
            Info = "#8CC3F5",
            InfoContrastText = "#0A1622",
            Success = "#7FD6A3",
            SuccessContrastText = "#0A1A10",
            Warning = "#F2B45A",
            WarningContrastText = "#1E1405",
            Error = "#FF9A90",
            ErrorContrastText = "#2A0B08",
            TextSecondary = "rgba(255,255,255,0.74)",
            AppbarBackground = "#1B2B26",
            Background = "#121816",
            Surface = "#1C2421",
            DrawerBackground = "#1C2421",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["Inter", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}
