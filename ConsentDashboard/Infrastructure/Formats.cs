namespace ConsentDashboard.Infrastructure;

/// <summary>How durations, sizes and distances read on screen. Instants go through <see cref="ViewerClock"/>.</summary>
public static class Formats
{
    public static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
        : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min {span.Seconds} s"
        : $"{Math.Max(0, span.Seconds)} s";

    public static string TimeLeft(DateTime expiresAt, DateTime now)
    {
        var left = expiresAt - now;
        return left <= TimeSpan.Zero ? "expired"
            : left.TotalDays >= 1 ? $"{(int)left.TotalDays} d {left.Hours} h left"
            : left.TotalHours >= 1 ? $"{(int)left.TotalHours} h left"
            : $"{Math.Max(1, (int)left.TotalMinutes)} min left";
    }

    public static string Distance(double meters) =>
        meters < 1000 ? $"{Math.Round(meters / 10) * 10:0} m" : $"{meters / 1000:0.0} km";

    public static string Size(long bytes) =>
        bytes >= 1024 * 1024 ? $"{bytes / 1048576.0:0.0} MB" : $"{Math.Max(1, bytes / 1024)} KB";

    public static string ShortHash(string sha256) => sha256.Length > 12 ? sha256[..12] + "…" : sha256;

    /// <summary>Splits PascalCase enum names into words: "HitAndRun" → "Hit and run".</summary>
    /// <summary>A legal basis as a sentence says it: "a warrant", "a court order", "a subpoena", "an emergency demand", "consent".</summary>
    public static string UnderBasis(Data.LegalBasis basis) => basis switch
    {
        Data.LegalBasis.Warrant => "a warrant",
        Data.LegalBasis.CourtOrder => "a court order",
        Data.LegalBasis.Subpoena => "a subpoena",
        Data.LegalBasis.Emergency => "an emergency demand",
        _ => "consent",
    };

    public static string Words<T>(T value) where T : struct, Enum
    {
        var name = value.ToString();
        var builder = new System.Text.StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
