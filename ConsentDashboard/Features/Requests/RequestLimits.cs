namespace ConsentDashboard.Features.Requests;

/// <summary>
/// The request rules of DESIGN.md as settings (section "ConsentDashboard:RequestLimits"), with its defaults: modelled on
/// the strictest rules an existing platform published.
/// </summary>
public sealed class RequestLimits
{
    public const string SectionName = "ConsentDashboard:RequestLimits";

    public double MinAreaSquareMiles { get; set; } = 0.025;

    public double MaxAreaSquareMiles { get; set; } = 0.5;

    public TimeSpan MinWindow { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan MaxWindow { get; set; } = TimeSpan.FromHours(12);

    public int DefaultExpiryDays { get; set; } = 7;

    public int MaxExpiryDays { get; set; } = 14;

    public int MaxRequestsPerCase { get; set; } = 2;

    public double MinRadiusMeters => GeoArea.RadiusForSquareMiles(MinAreaSquareMiles);

    public double MaxRadiusMeters => GeoArea.RadiusForSquareMiles(MaxAreaSquareMiles);
}
