namespace ConsentDashboard.Features.Requests;

/// <summary>A latitude band with one or two longitude ranges (two when the circle crosses the 180° meridian).</summary>
public readonly record struct BoundingBox(double MinLatitude, double MaxLatitude, double MinLongitude1, double MaxLongitude1, double MinLongitude2, double MaxLongitude2);

public static class GeoArea
{
    public const double EarthRadiusMeters = 6_371_008.8;

    /// <summary>Great-circle distance on the mean-radius sphere.</summary>
    public static double HaversineMeters(double latitude1, double longitude1, double latitude2, double longitude2)
    {
        var dLat = ToRadians(latitude2 - latitude1);
        var dLon = ToRadians(longitude2 - longitude1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
            + Math.Cos(ToRadians(latitude1)) * Math.Cos(ToRadians(latitude2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>
    /// The smallest latitude/longitude box holding every point within <paramref name="radiusMeters"/> of the centre,
    /// split in two across the 180° meridian and widened to every longitude when a pole is inside the circle.
    /// </summary>
    public static BoundingBox BoundingBoxAround(double latitude, double longitude, double radiusMeters)
    {
        var angular = radiusMeters / EarthRadiusMeters;
        var minLat = latitude - ToDegrees(angular);
        var maxLat = latitude + ToDegrees(angular);
        if (minLat <= -90 || maxLat >= 90)
        {
            return new BoundingBox(Math.Max(minLat, -90), Math.Min(maxLat, 90), -180, 180, 1, 0);
        }

        var dLon = ToDegrees(Math.Asin(Math.Min(1, Math.Sin(angular) / Math.Cos(ToRadians(latitude)))));
        var minLon = longitude - dLon;
        var maxLon = longitude + dLon;
        if (minLon < -180)
        {
            return new BoundingBox(minLat, maxLat, minLon + 360, 180, -180, maxLon);
        }

        if (maxLon > 180)
        {
            return new BoundingBox(minLat, maxLat, minLon, 180, -180, maxLon - 360);
        }

        // The second range is empty (min > max).
        return new BoundingBox(minLat, maxLat, minLon, maxLon, 1, 0);
    }

    /// <summary>Area of a circle of this radius in square miles.</summary>
    public static double SquareMiles(double radiusMeters) => Math.PI * radiusMeters * radiusMeters / SquareMetersPerSquareMile;

    /// <summary>Area of a circle of this radius in square kilometres.</summary>
    public static double SquareKilometers(double radiusMeters) => Math.PI * radiusMeters * radiusMeters / 1_000_000;

    /// <summary>The radius of a circle with this area in square miles.</summary>
    public static double RadiusForSquareMiles(double squareMiles) => Math.Sqrt(squareMiles * SquareMetersPerSquareMile / Math.PI);

    private const double SquareMetersPerSquareMile = 2_589_988.110336;

    private static double ToRadians(double degrees) => degrees * Math.PI / 180;

    private static double ToDegrees(double radians) => radians * 180 / Math.PI;
}
