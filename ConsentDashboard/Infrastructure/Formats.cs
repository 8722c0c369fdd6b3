namespace ConsentDashboard.Infrastructure;

/// <summary>How sizes and distances read on screen; durations and time left are worded by <c>TextExtensions</c>, instants by <see cref="ViewerClock"/>.</summary>
public static class Formats
{
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
