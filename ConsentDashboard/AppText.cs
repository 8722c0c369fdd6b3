namespace ConsentDashboard;

/// <summary>
/// The app's one set of user-visible strings: <c>IStringLocalizer&lt;AppText&gt;</c>, keyed by the English text, with the
/// Spanish in <c>Resources/AppText.es.resx</c> (see docs/localization.md).
/// </summary>
public sealed class AppText;
