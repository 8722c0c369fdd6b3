using System.Globalization;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Infrastructure.Localization;

/// <summary>
/// In the pseudo-culture, every string that went through a localizer comes back as <c>[!! … !!]</c>, so a test can find
/// any visible text that did not.
/// </summary>
public sealed class PseudoLocalizerFactory(IStringLocalizerFactory inner) : IStringLocalizerFactory
{
    public const string Open = "[!! ";
    public const string Close = " !!]";

    public IStringLocalizer Create(Type resourceSource) => new Pseudo(inner.Create(resourceSource));

    public IStringLocalizer Create(string baseName, string location) => new Pseudo(inner.Create(baseName, location));

    private static bool Active => CultureInfo.CurrentUICulture.Name.Equals(AppCultures.Pseudo, StringComparison.OrdinalIgnoreCase);

    private sealed class Pseudo(IStringLocalizer inner) : IStringLocalizer
    {
        public LocalizedString this[string name] => Wrap(inner[name]);

        public LocalizedString this[string name, params object[] arguments] => Wrap(inner[name, arguments]);

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures).Select(Wrap);

        private static LocalizedString Wrap(LocalizedString text) =>
            Active ? new LocalizedString(text.Name, Open + text.Value + Close, text.ResourceNotFound, text.SearchedLocation) : text;
    }
}
