using ConsentDashboard.Data;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Features.Review;
using ConsentDashboard.Infrastructure;
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

    /// <summary>
    /// A request over the demo resident's latest clips, filed by the demo officer and approved by the demo reviewer through
    /// the app's own services, and its notice to the resident.
    /// </summary>
    public static async Task<(Guid Request, Guid Notice)> ApprovedRequestForTheResidentAsync(TestApp app, string caseNumber)
    {
        await using var db = app.CreateDbContext();
        var latest = await ResidentsLatestClipAsync(db);
        var officer = await DemoAccounts.PrincipalAsync(db, Roles.Officer);
        var reviewer = await DemoAccounts.PrincipalAsync(db, Roles.Reviewer);
        var requestId = await app.Get<AgencyRequestService>().FileAsync(officer, new FootageRequestInput
        {
            CaseNumber = caseNumber, IncidentType = IncidentType.Burglary,
            Description = "Bicycle taken from a front yard; looking for the direction the rider went.", OfficerContact = "desk",
            CenterLatitude = latest.Latitude, CenterLongitude = latest.Longitude, RadiusMeters = 600,
            WindowStart = latest.ClipStart.AddHours(-11), WindowEnd = latest.ClipStart.AddMinutes(30), ExpiresInDays = 14,
        });
        await app.Get<ReviewService>().ApproveAsync(reviewer, requestId);
        return (requestId, await db.RequestNotices.Where(n => n.RequestId == requestId && n.Resident!.Email == DemoAccounts.Resident).Select(n => n.Id).SingleAsync());
    }
}
