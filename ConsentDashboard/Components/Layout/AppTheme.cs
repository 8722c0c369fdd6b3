using MudBlazor;

namespace ConsentDashboard.Components.Layout;

/// <summary>One palette for the whole app, the static sign-in pages included (app.css reads the same colours).</summary>
public static class AppTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#2E5E4E",
            Secondary = "#8A5A44",
            AppbarBackground = "#2E5E4E",
            Background = "#F6F7F5",
            Surface = "#FFFFFF",
            DrawerBackground = "#FFFFFF",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7CC4A8",
            Secondary = "#E0A582",
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
