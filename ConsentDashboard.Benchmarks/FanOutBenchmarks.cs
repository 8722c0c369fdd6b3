using BenchmarkDotNet.Attributes;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Benchmarks;

/// <summary>
/// Fan-out of one request: the indexed bounding-box query, the exact haversine, and the notices and audit entry
/// written in one transaction (rolled back afterwards so every iteration sees the same data), against a full scan of
/// every camera measured in the same run.
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 15)]
[MemoryDiagnoser]
[MedianColumn]
public class FanOutBenchmarks
{
    private BenchmarkDatabase _database = null!;
    private AuditLog _auditLog = null!;
    private (double Latitude, double Longitude)[] _centres = [];
    private int _next;

    [Params(100_000, 1_000_000)]
    public int Cameras { get; set; }

    /// <summary>The smallest and largest allowed radii (0.025 and 0.5 square miles, rounded outwards).</summary>
    [Params(150, 640)]
    public int RadiusMeters { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchmarkDatabase.OpenAsync(Cameras, Math.Max(1000, Cameras / 10));
        _auditLog = new AuditLog(_database, TimeProvider.System);
        _centres = Centres();
    }

    /// <summary>The 64 request centres every fan-out measurement cycles through, the same on either database.</summary>
    internal static (double Latitude, double Longitude)[] Centres()
    {
        var random = new Random(7);
        return Enumerable.Range(0, 64).Select(_ => (
            BenchmarkDatabase.CenterLatitude + (random.NextDouble() - 0.5) * BenchmarkDatabase.LatitudeSpan * 0.9,
            BenchmarkDatabase.CenterLongitude + (random.NextDouble() - 0.5) * BenchmarkDatabase.LongitudeSpan * 0.9)).ToArray();
    }

    private (double Latitude, double Longitude) NextCentre() => _centres[_next++ % _centres.Length];

    [Benchmark(Description = "fan-out: indexed query + notices + audit entry")]
    public Task<int> FanOutAsync()
    {
        var (latitude, longitude) = NextCentre();
        return FanOutOnceAsync(_auditLog, latitude, longitude, RadiusMeters);
    }

    /// <summary>
    /// Files one request at the point through <see cref="NoticeFanOut"/>, as the app does, then rolls it back, so every
    /// run sees the same database. Returns how many residents it would have notified.
    /// </summary>
    internal static async Task<int> FanOutOnceAsync(AuditLog auditLog, double latitude, double longitude, int radiusMeters)
    {
        var notified = 0;
        try
        {
            await auditLog.WriteAsync(async (db, audit, _) =>
            {
                var now = DateTime.UtcNow;
                var request = new FootageRequest
                {
                    Id = Guid.NewGuid(), AgencyId = 1, OfficerId = await db.Users.Select(u => u.Id).FirstAsync(), CaseNumber = "BENCH", IncidentType = IncidentType.Burglary,
                    Description = "Benchmark", OfficerContact = "desk", CenterLatitude = latitude, CenterLongitude = longitude, RadiusMeters = radiusMeters,
                    WindowStart = now.AddHours(-3), WindowEnd = now.AddHours(-2), CreatedAt = now, ExpiresAt = now.AddDays(7), Status = RequestStatus.Open,
                };
                notified = (await NoticeFanOut.AddRequestWithNoticesAsync(db, audit, request)).Count;
                await db.SaveChangesAsync();
                // Failing the unit after its writes rolls the request, notices and entry back, so every run sees the same database.
                throw new RolledBack();
            });
        }
        catch (RolledBack)
        {
        }

        return notified;
    }

    [Benchmark(Baseline = true, Description = "baseline: full scan + haversine")]
    public async Task<int> FullScanAsync()
    {
        var (latitude, longitude) = NextCentre();
        await using var db = _database.CreateDbContext();
        var cameras = await db.Cameras.AsNoTracking()
            .Where(c => c.IsActive && !c.Owner!.OptedOutOfAllRequests)
            .Select(c => new { c.OwnerId, c.Latitude, c.Longitude })
            .ToListAsync();
        return cameras
            .Where(c => GeoArea.HaversineMeters(latitude, longitude, c.Latitude, c.Longitude) <= RadiusMeters)
            .Select(c => c.OwnerId)
            .Distinct()
            .Count();
    }
}

/// <summary>Thrown by a benchmark's unit to undo its writes.</summary>
internal sealed class RolledBack : Exception;
