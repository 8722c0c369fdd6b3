using ConsentDashboard.Data;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Tests.Support;

namespace ConsentDashboard.Tests.Features.Requests;

/// <summary>The indexed query against a brute-force haversine over every camera, including the awkward places on the globe.</summary>
public sealed class FanOutPropertyTests : IAsyncLifetime
{
    private static readonly (string Place, double Latitude, double Longitude)[] Centres =
    [
        ("Larkspur Bay", 46.2041, -84.0478),
        ("beside the North Pole", 89.9993, 30),
        ("on the North Pole", 90, 0),
        ("beside the South Pole", -89.9996, -120),
        ("just east of the 180° meridian", 10, -179.9992),
        ("just west of the 180° meridian", -33, 179.9995),
        ("on the 180° meridian", 0, 180),
        ("on the equator at Greenwich", 0, 0),
    ];

    private TestApp _database = null!;
    private readonly List<(string Owner, double Latitude, double Longitude, bool Active)> _cameras = [];

    public async ValueTask InitializeAsync()
    {
        _database = await TestApp.CreateAsync();
        var random = new Random(4242);
        await using var db = _database.CreateDbContext();
        db.Agencies.Add(new Agency { Name = "Test PD", Jurisdiction = "Test", RequiresReview = false });
        foreach (var (_, latitude, longitude) in Centres)
        {
            for (var i = 0; i < 250; i++)
            {
                // Scattered over about 3 km around the centre, wrapped onto valid coordinates.
                var lat = Math.Clamp(latitude + (random.NextDouble() - 0.5) * 0.027, -90, 90);
                var lon = longitude + (random.NextDouble() - 0.5) * 0.027 / Math.Max(0.0005, Math.Cos(lat * Math.PI / 180));
                lon = ((lon + 540) % 360) - 180;
                if (random.Next(10) == 0)
                {
                    // Near the poles any longitude is close.
                    lon = random.NextDouble() * 360 - 180;
                }

                var owner = new ApplicationUser { UserName = $"{Guid.NewGuid():N}@test", DisplayName = "Resident" };
                db.Users.Add(owner);
                var active = random.Next(8) != 0;
                db.Cameras.Add(new Camera { Id = Guid.NewGuid(), OwnerId = owner.Id, Label = "Cam", Latitude = lat, Longitude = lon, IsActive = active });
                _cameras.Add((owner.Id, lat, lon, active));
            }
        }

        await db.SaveChangesAsync();
    }

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        return ValueTask.CompletedTask;
    }

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task IndexedFanOut_FindsExactlyTheResidentsABruteForceHaversineFinds(int seed)
    {
        var random = new Random(seed);
        await using var db = _database.CreateDbContext();
        var limits = new RequestLimits();
        foreach (var (place, latitude, longitude) in Centres)
        {
            var radius = limits.MinRadiusMeters + random.NextDouble() * (limits.MaxRadiusMeters - limits.MinRadiusMeters);

            var found = (await NoticeFanOut.FindResidentsAsync(db, 1, latitude, longitude, radius)).Order().ToList();

            var expected = _cameras
                .Where(c => c.Active && BruteForceMeters(latitude, longitude, c.Latitude, c.Longitude) <= radius)
                .Select(c => c.Owner).Order().ToList();
            Assert.True(expected.SequenceEqual(found), $"{place}, radius {radius:0} m: expected {expected.Count} residents, found {found.Count}.");
        }
    }

    [Fact]
    public async Task TheScenarioReallyPutsCamerasInsideAndOutsideEachCircle()
    {
        await using var db = _database.CreateDbContext();
        foreach (var (place, latitude, longitude) in Centres)
        {
            var found = await NoticeFanOut.FindResidentsAsync(db, 1, latitude, longitude, 642);
            var nearby = _cameras.Count(c => BruteForceMeters(latitude, longitude, c.Latitude, c.Longitude) <= 2000);
            Assert.True(found.Count > 0 && found.Count < nearby, $"{place}: {found.Count} found of {nearby} within 2 km; the property test would prove little.");
        }
    }

    /// <summary>An independent great-circle distance (spherical law of cosines in vector form), not the app's code.</summary>
    private static double BruteForceMeters(double lat1, double lon1, double lat2, double lon2)
    {
        static (double X, double Y, double Z) Vector(double lat, double lon)
        {
            var phi = lat * Math.PI / 180;
            var lambda = lon * Math.PI / 180;
            return (Math.Cos(phi) * Math.Cos(lambda), Math.Cos(phi) * Math.Sin(lambda), Math.Sin(phi));
        }

        var a = Vector(lat1, lon1);
        var b = Vector(lat2, lon2);
        var cross = (a.Y * b.Z - a.Z * b.Y, a.Z * b.X - a.X * b.Z, a.X * b.Y - a.Y * b.X);
        var sin = Math.Sqrt(cross.Item1 * cross.Item1 + cross.Item2 * cross.Item2 + cross.Item3 * cross.Item3);
        var cos = a.X * b.X + a.Y * b.Y + a.Z * b.Z;
        return GeoArea.EarthRadiusMeters * Math.Atan2(sin, cos);
    }
}
