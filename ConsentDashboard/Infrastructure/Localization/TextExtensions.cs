using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Infrastructure.Localization;

/// <summary><see cref="Formats"/>' wordings through the localizer: enum names, time left, durations, legal bases.</summary>
public static class TextExtensions
{
    public static string Words<T>(this IStringLocalizer text, T value)
        where T : struct, Enum => text[Formats.Words(value)];

    public static string TimeLeft(this IStringLocalizer text, DateTime expiresAt, DateTime now)
    {
        var left = expiresAt - now;
        return left <= TimeSpan.Zero ? text["time is up"]
            : left.TotalDays >= 1 ? text["{0} d {1} h left", (int)left.TotalDays, left.Hours]
            : left.TotalHours >= 1 ? text["{0} h left", (int)left.TotalHours]
            : text["{0} min left", Math.Max(1, (int)left.TotalMinutes)];
    }

    public static string Duration(this IStringLocalizer text, TimeSpan span) =>
        span.TotalHours >= 1 ? text["{0} h {1} min", (int)span.TotalHours, span.Minutes]
        : span.TotalMinutes >= 1 ? text["{0} min {1} s", (int)span.TotalMinutes, span.Seconds]
        : text["{0} s", Math.Max(0, span.Seconds)];

    public static string UnderBasis(this IStringLocalizer text, Data.LegalBasis basis) =>
        basis == Data.LegalBasis.Consent ? text["your consent"] : text[Formats.UnderBasis(basis)];
}
