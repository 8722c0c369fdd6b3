using System.Globalization;
using System.Text.RegularExpressions;
using ConsentDashboard.Infrastructure.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Tests.Infrastructure.Localization;

/// <summary>Every string the app's code looks up by its English text has a Spanish translation.</summary>
public sealed partial class SpanishResourcesTests
{
    /// <summary>
    /// A key looked up in place (<c>L["…"]</c>, <c>text["…"]</c>), a validation attribute's message, or an account page's
    /// status message (said in the reader's language where it is shown, after a redirect if need be).
    /// </summary>
    [GeneratedRegex(@"\b(?:L|text)\[""((?:[^""\\]|\\.)*)""|ErrorMessage = ""((?:[^""\\]|\\.)*)""|RedirectToCurrentPageWithStatus\(\s*""((?:[^""\\]|\\.)*)""|RedirectToWithStatus\(\s*""[^""]*"",\s*""((?:[^""\\]|\\.)*)""|\b_?(?:message|statusMessage) = ""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Lookup();

    [Fact]
    public void EveryLiteralKeyInTheSource_HasASpanishValue()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ConsentDashboard.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var source = Path.Combine(root.FullName, "ConsentDashboard");
        var keys = Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Lookup().Matches(File.ReadAllText(f)).Select(m => Regex.Unescape(m.Groups.Values.Skip(1).First(g => g.Success).Value)))
            .ToHashSet();
        Assert.True(keys.Count > 500, $"Only {keys.Count} keys were found; the scan is looking in the wrong place.");

        var factory = new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance);
        var spanish = factory.Create(typeof(AppText));
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(AppCultures.Spanish);
        try
        {
            var missing = keys.Where(k => spanish[k].ResourceNotFound).Order().ToList();
            Assert.True(missing.Count == 0, "No Spanish for:\n" + string.Join("\n", missing));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
