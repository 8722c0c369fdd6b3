using Microsoft.Extensions.Localization;
using MudBlazor;

namespace ConsentDashboard.Infrastructure.Localization;

/// <summary>MudBlazor's own texts (pager, clear buttons, dialogs) from the app's resources, under MudBlazor's keys.</summary>
public sealed class AppMudLocalizer(IStringLocalizer<AppText> text) : MudLocalizer
{
    public override LocalizedString this[string key] => text[key];
}
