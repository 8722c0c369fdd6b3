using System.Globalization;

namespace ConsentDashboard.Infrastructure;

/// <summary>
/// Shows UTC instants in the viewer's own time zone. The browser reports its IANA zone in a cookie (see
/// <c>wwwroot/js/theme.js</c>); until it has, times are shown in UTC and say so.
/// </summary>
public sealed class ViewerClock
{
    public const string CookieName = "cd-tz";

    // Month and day names in the viewer's language; the patterns themselves are fixed, so every language reads "3 Nov 2026, 21:04".
    private static CultureInfo Culture => CultureInfo.CurrentCulture;

    public static readonly ViewerClock Utc = new(TimeZoneInfo.Utc);

    public ViewerClock(TimeZoneInfo zone) => Zone = zone;

    public TimeZoneInfo Zone { get; }

    public bool IsUtc => Zone == TimeZoneInfo.Utc;

    /// <summary>"Europe/Berlin", or "UTC".</summary>
    public string ZoneName => IsUtc ? "UTC" : Zone.Id;

    public static ViewerClock FromZoneId(string? zoneId) =>
        !string.IsNullOrWhiteSpace(zoneId) && TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone)
            ? new ViewerClock(zone)
            : Utc;

    public static string? ZoneIdFrom(HttpRequest request) =>
        request.Cookies.TryGetValue(CookieName, out var value) ? Uri.UnescapeDataString(value) : null;

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>The UTC instant of a wall-clock time in this zone, or null when that time does not exist (a DST gap).</summary>
    public DateTime? ToUtc(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return Zone.IsInvalidTime(unspecified) ? null : TimeZoneInfo.ConvertTimeToUtc(unspecified, Zone);
    }

    /// <summary>"Tue 3 Nov, 21:00–23:30", or with both dates when the window crosses midnight.</summary>
    public string Window(DateTime startUtc, DateTime endUtc)
    {
        var start = ToLocal(startUtc);
        var end = ToLocal(endUtc);
        var text = start.Date == end.Date
            ? $"{start.ToString("ddd d MMM, HH:mm", Culture)}–{end.ToString("HH:mm", Culture)}"
            : $"{start.ToString("ddd d MMM, HH:mm", Culture)} – {end.ToString("ddd d MMM, HH:mm", Culture)}";
        return text + Suffix(startUtc);
    }

    /// <summary>"Tue 3 Nov, 21:04:10–21:04:16": a clip's span, to the second.</summary>
    public string ClipSpan(DateTime startUtc, DateTime endUtc)
    {
        var start = ToLocal(startUtc);
        var end = ToLocal(endUtc);
        return $"{start.ToString("ddd d MMM, HH:mm:ss", Culture)}–{end.ToString(start.Date == end.Date ? "HH:mm:ss" : "ddd d MMM, HH:mm:ss", Culture)}{Suffix(startUtc)}";
    }

    /// <summary>"Tuesday 3 November 2026": a day, for an e-mail that gives no times of day.</summary>
    public string Day(DateTime utc) => ToLocal(utc).ToString("dddd d MMMM yyyy", Culture);

    /// <summary>"3 Nov 2026, 21:04 UTC+1".</summary>
    public string Moment(DateTime utc) => ToLocal(utc).ToString("d MMM yyyy, HH:mm", Culture) + Suffix(utc);

    /// <summary>"21:04:30", for clip times inside a window already dated.</summary>
    public string TimeOfDay(DateTime utc) => ToLocal(utc).ToString("HH:mm:ss", Culture);

    /// <summary>"UTC", or the zone's offset at that instant ("UTC−5", "UTC+5:30"), so every time says which zone it is in.</summary>
    public string ZoneAt(DateTime utc)
    {
        if (IsUtc)
        {
            return "UTC";
        }

        var offset = Zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        var sign = offset < TimeSpan.Zero ? "\u2212" : "+";
        var magnitude = offset.Duration();
        return offset == TimeSpan.Zero
            ? "UTC"
            : $"UTC{sign}{magnitude.Hours}{(magnitude.Minutes == 0 ? "" : $":{magnitude.Minutes:00}")}";
    }

    private string Suffix(DateTime utc) => " " + ZoneAt(utc);
}
