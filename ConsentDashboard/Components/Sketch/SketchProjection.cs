using ConsentDashboard.Features.Requests;

namespace ConsentDashboard.Components.Sketch;

/// <summary>A point drawn on an area sketch.</summary>
public sealed record SketchPoint(string Label, double Latitude, double Longitude, bool Highlighted = true);

/// <summary>
/// Flat projection in metres around a centre (east = +x, north = −y for SVG). At the few kilometres a request or a
/// resident's cameras span, the error against the sphere is far below what a sketch can show.
/// </summary>
public readonly record struct SketchProjection(double CenterLatitude, double CenterLongitude)
{
    public (double X, double Y) ToMeters(double latitude, double longitude)
    {
        var deltaLongitude = longitude - CenterLongitude;
        // Across the 180° meridian the short way round is the right one.
        deltaLongitude = ((deltaLongitude + 540) % 360) - 180;
        var x = GeoArea.EarthRadiusMeters * deltaLongitude * Math.PI / 180 * Math.Cos(CenterLatitude * Math.PI / 180);
        var y = GeoArea.EarthRadiusMeters * (latitude - CenterLatitude) * Math.PI / 180;
        return (x, -y);
    }

    /// <summary>A round length for a scale bar no longer than <paramref name="maxMeters"/>: 1, 2 or 5 times a power of ten.</summary>
    public static double ScaleBarMeters(double maxMeters)
    {
        if (maxMeters <= 1)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(maxMeters)));
        foreach (var step in new[] { 5.0, 2.0, 1.0 })
        {
            if (step * magnitude <= maxMeters)
            {
                return step * magnitude;
            }
        }

        return magnitude;
    }
}
