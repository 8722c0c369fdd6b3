using ConsentDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Support;

/// <summary>Where in the demo city a test files a request that reaches the demo resident.</summary>
public static class DemoTargets
{
    /// <summary>
    /// The camera and start of the demo resident's latest clip that ended at least 40 minutes ago (a request window must
    /// lie in the past).
    /// </summary>
    public static async Task<(double Latitude, double Longitude, DateTime ClipStart)> ResidentsLatestClipAsync(ApplicationDbContext db)
    {
        var now = DateTime.UtcNow;
        var clip = await db.Clips
            .Where(c => c.Camera!.Owner!.Email == DemoAccounts.Resident && c.RecordedEnd < now.AddMinutes(-40))
            .OrderByDescending(c => c.RecordedStart)
            .Select(c => new { c.Camera!.Latitude, c.Camera.Longitude, c.RecordedStart })
            .FirstAsync();
        return (clip.Latitude, clip.Longitude, clip.RecordedStart);
    }
}
