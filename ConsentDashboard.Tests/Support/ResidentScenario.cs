using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Disclosures;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.Extensions.Time.Testing;

namespace ConsentDashboard.Tests.Support;

/// <summary>
/// One agency's open request reaching two residents, on a migrated database of its own. Resident A has two clips in the
/// window from a camera inside the circle, one clip outside the window, and a clip in the window from a camera far away.
/// Resident B has one clip in the window.
/// </summary>
public sealed class ResidentScenario : IDisposable
{
    public const double Latitude = 46.2041;
    public const double Longitude = -84.0478;

    private ResidentScenario(TestApp app) => Database = app;

    /// <summary>The app's services and database the scenario lives in.</summary>
    public TestApp Database { get; }
    public FakeTimeProvider Time => Database.Time;
    public AuditLog AuditLog => Database.Get<AuditLog>();
    public Agency Agency { get; private set; } = null!;
    public ApplicationUser Officer { get; private set; } = null!;
    public FootageRequest Request { get; private set; } = null!;
    public ApplicationUser ResidentA { get; private set; } = null!;
    public ApplicationUser ResidentB { get; private set; } = null!;
    public RequestNotice NoticeA { get; private set; } = null!;
    public RequestNotice NoticeB { get; private set; } = null!;
    public Clip ClipA1 { get; private set; } = null!;
    public Clip ClipA2 { get; private set; } = null!;
    public Clip ClipAOutsideWindow { get; private set; } = null!;
    public Clip ClipAFarCamera { get; private set; } = null!;
    public Clip ClipB { get; private set; } = null!;

    public ClaimsPrincipal UserA => Principals.For(ResidentA.Id, Roles.Resident);
    public ClaimsPrincipal UserB => Principals.For(ResidentB.Id, Roles.Resident);

    public NoticeService NoticeService() => Database.Get<NoticeService>();

    public DisclosureService DisclosureService() => Database.Get<DisclosureService>();

    public InboxNotifier Notifier => Database.Get<InboxNotifier>();

    public ConsentDashboard.Features.Requests.AgencyRequestService AgencyRequestService() =>
        Database.Get<ConsentDashboard.Features.Requests.AgencyRequestService>();

    public ClaimsPrincipal OfficerUser => Principals.For(Officer.Id, Roles.Officer);

    /// <param name="settings">The app's settings, such as a database of the test's choosing; the suite's database when null.</param>
    public static async Task<ResidentScenario> CreateAsync(IDictionary<string, string?>? settings = null)
    {
        var scenario = new ResidentScenario(await TestApp.CreateAsync(new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero)), settings));
        await scenario.SeedAsync();
        return scenario;
    }

    private async Task SeedAsync()
    {
        var now = Time.GetUtcNow().UtcDateTime;
        await using var db = Database.CreateDbContext();
        Agency = new Agency { Name = "Harbour City Police", Jurisdiction = "Harbour City", RequiresReview = false };
        db.Agencies.Add(Agency);
        await db.SaveChangesAsync();
        Officer = User("officer@harbour.example", "Officer Vale", Agency.Id);
        ResidentA = User("a@residents.example", "Resident A", null);
        ResidentB = User("b@residents.example", "Resident B", null);
        db.Users.AddRange(Officer, ResidentA, ResidentB);

        var windowStart = now.AddDays(-1);
        Request = new FootageRequest
        {
            Id = Guid.NewGuid(), AgencyId = Agency.Id, OfficerId = Officer.Id, CaseNumber = "HC-77", IncidentType = IncidentType.Burglary,
            Description = "Break-in", OfficerContact = "Officer Vale, desk 4", CenterLatitude = Latitude, CenterLongitude = Longitude,
            RadiusMeters = 300, WindowStart = windowStart, WindowEnd = windowStart.AddHours(2), CreatedAt = now.AddHours(-1),
            ExpiresAt = now.AddDays(7), Status = RequestStatus.Open,
        };
        db.FootageRequests.Add(Request);

        var near = Camera(ResidentA, "Porch", Latitude + 0.0005, Longitude);
        var far = Camera(ResidentA, "Cabin", Latitude + 0.05, Longitude);
        var nearB = Camera(ResidentB, "Gate", Latitude - 0.0005, Longitude);
        db.Cameras.AddRange(near, far, nearB);
        ClipA1 = ClipOf(near, windowStart.AddMinutes(10), "a1");
        ClipA2 = ClipOf(near, windowStart.AddMinutes(50), "a2");
        ClipAOutsideWindow = ClipOf(near, windowStart.AddHours(5), "a3");
        ClipAFarCamera = ClipOf(far, windowStart.AddMinutes(20), "a4");
        ClipB = ClipOf(nearB, windowStart.AddMinutes(30), "b1");
        db.Clips.AddRange(ClipA1, ClipA2, ClipAOutsideWindow, ClipAFarCamera, ClipB);

        NoticeA = new RequestNotice { Id = Guid.NewGuid(), RequestId = Request.Id, ResidentId = ResidentA.Id, Status = NoticeStatus.Pending, CreatedAt = Request.CreatedAt };
        NoticeB = new RequestNotice { Id = Guid.NewGuid(), RequestId = Request.Id, ResidentId = ResidentB.Id, Status = NoticeStatus.Pending, CreatedAt = Request.CreatedAt };
        db.RequestNotices.AddRange(NoticeA, NoticeB);
        await db.SaveChangesAsync();
    }

    private static ApplicationUser User(string email, string name, int? agencyId) =>
        new() { UserName = email, Email = email, DisplayName = name, AgencyId = agencyId, PhoneNumber = "+1 555 0100" };

    private static Camera Camera(ApplicationUser owner, string label, double latitude, double longitude) =>
        new() { Id = Guid.NewGuid(), OwnerId = owner.Id, Label = label, Latitude = latitude, Longitude = longitude, IsActive = true };

    private static Clip ClipOf(Camera camera, DateTime start, string seed) => new()
    {
        Id = Guid.NewGuid(), CameraId = camera.Id, RecordedStart = start, RecordedEnd = start.AddSeconds(30), ContentType = "video/webm",
        SizeBytes = 1000, Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed))),
        StorageKey = $"xx/{seed}.webm",
    };

    public void Dispose() => Database.Dispose();
}
