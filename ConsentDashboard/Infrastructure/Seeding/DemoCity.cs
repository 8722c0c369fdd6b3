using ConsentDashboard.Data;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Clips;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Infrastructure.Seeding;

public sealed record DemoSignIn(string Role, string Name, string Email);

/// <summary>
/// The fictional city of Larkspur Bay: its police department, staff, residents, cameras, clips and a few open
/// requests. Seeded only into an empty database, and only when demo seeding is switched on.
/// </summary>
public sealed class DemoCity(
    UserManager<ApplicationUser> users,
    IDbContextFactory<ApplicationDbContext> dbFactory,
    AuditLog auditLog,
    ClipStorage clipStorage,
    TimeProvider time,
    ILogger<DemoCity> logger)
{
    public const string Password = "Larkspur-Demo-2026";
    public const string AgencyName = "Larkspur Bay Police Department";
    public const double CenterLatitude = 46.2041;
    public const double CenterLongitude = -84.0478;

    public static readonly IReadOnlyList<DemoSignIn> SignIns =
    [
        new(Roles.Admin, "Dana Whitcombe", "admin@larkspurbay.example"),
        new(Roles.Officer, "Officer Luis Reyes", "officer.reyes@larkspurbay.example"),
        new(Roles.Officer, "Officer Grace Okafor", "officer.okafor@larkspurbay.example"),
        new(Roles.Auditor, "Priya Lindqvist", "auditor@larkspurbay.example"),
        new(Roles.Reviewer, "Jonah Abernathy", "reviewer@larkspurbay.example"),
        new(Roles.Resident, "Maya Fernsby", "maya@larkspurbay.example"),
        new(Roles.Resident, "Tomas Ferreira", "tomas@larkspurbay.example"),
        new(Roles.Resident, "Aiko Brandt", "aiko@larkspurbay.example"),
        new(Roles.Resident, "Samuel Osei", "samuel@larkspurbay.example"),
        new(Roles.Resident, "Lena Kowalczyk", "lena@larkspurbay.example"),
        new(Roles.Resident, "Omar Haddad", "omar@larkspurbay.example"),
        new(Roles.Resident, "Ruth Calloway", "ruth@larkspurbay.example"),
        new(Roles.Resident, "Ivan Petrov", "ivan@larkspurbay.example"),
        new(Roles.Resident, "Nadia Moreau", "nadia@larkspurbay.example"),
        new(Roles.Resident, "Kwame Mensah", "kwame@larkspurbay.example"),
        new(Roles.Resident, "Elsa Nyberg", "elsa@larkspurbay.example"),
        new(Roles.Resident, "Diego Santos", "diego@larkspurbay.example"),
    ];

    /// <summary>The demo videos and their lengths in seconds, as generated into wwwroot-assets/.</summary>
    private static readonly (string File, int Seconds)[] Videos =
    [
        ("porch-testpattern.webm", 6),
        ("driveway-bars.webm", 4),
        ("garden-mandelbrot.webm", 8),
        ("sidewalk-life.webm", 10),
        ("alley-cellauto.webm", 5),
    ];

    private static readonly string[] Streets = ["Heron Street", "Quarry Lane", "Alder Row", "Tamarack Court", "Bayview Road", "Cedar Walk"];

    private static readonly string[] CameraLabels = ["Front porch", "Driveway", "Back garden", "Sidewalk", "Side alley", "Garage"];

    public async Task<bool> SeedIfEmptyAsync(CancellationToken cancellationToken = default)
    {
        if (await users.Users.AnyAsync(cancellationToken))
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var agency = new Agency { Name = AgencyName, Jurisdiction = "City of Larkspur Bay", RequiresReview = true };
        db.Agencies.Add(agency);
        await db.SaveChangesAsync(cancellationToken);

        var accounts = new Dictionary<string, ApplicationUser>();
        foreach (var (signIn, index) in SignIns.Select((s, i) => (s, i)))
        {
            var isResident = signIn.Role == Roles.Resident;
            var user = new ApplicationUser
            {
                UserName = signIn.Email,
                Email = signIn.Email,
                EmailConfirmed = true,
                DisplayName = signIn.Name,
                AgencyId = signIn.Role == Roles.Officer ? agency.Id : null,
                // Fictional numbers from the 555-01xx range reserved for examples.
                PhoneNumber = isResident ? $"+1 906 555 01{index:00}" : null,
                PostalAddress = isResident ? $"{10 + index * 7} {Streets[index % Streets.Length]}, Larkspur Bay" : null,
                CreatedAt = now,
            };
            Check(await users.CreateAsync(user, Password));
            Check(await users.AddToRoleAsync(user, signIn.Role));
            accounts[signIn.Email] = user;
        }

        var clipsByVideo = await StoreVideosAsync(cancellationToken);
        var residents = SignIns.Where(s => s.Role == Roles.Resident).Select(s => accounts[s.Email]).ToList();
        var random = new Random(20261129);
        var cameraIndex = 0;
        foreach (var resident in residents)
        {
            for (var i = 0; i < 2; i++, cameraIndex++)
            {
                // Spread over roughly 3 km × 3 km, with the first cameras clustered near the centre so the demo
                // requests reach several residents.
                var spread = cameraIndex < 10 ? 0.0035 : 0.014;
                var camera = new Camera
                {
                    Id = Guid.NewGuid(),
                    OwnerId = resident.Id,
                    Label = CameraLabels[(cameraIndex + i) % CameraLabels.Length],
                    Latitude = Math.Round(CenterLatitude + (random.NextDouble() - 0.5) * spread, 6),
                    Longitude = Math.Round(CenterLongitude + (random.NextDouble() - 0.5) * spread * 1.4, 6),
                    IsActive = true,
                    CreatedAt = now.AddDays(-60),
                };
                db.Cameras.Add(camera);
                for (var clipNumber = 0; clipNumber < 3; clipNumber++)
                {
                    var (file, seconds) = Videos[(cameraIndex + clipNumber) % Videos.Length];
                    var stored = clipsByVideo[file];
                    // Clips fall on the evenings of the last three days, inside the demo requests' windows.
                    var start = now.Date.AddDays(-1 - clipNumber).AddHours(21).AddMinutes(random.Next(0, 150));
                    db.Clips.Add(new Clip
                    {
                        Id = Guid.NewGuid(),
                        CameraId = camera.Id,
                        RecordedStart = start,
                        RecordedEnd = start.AddSeconds(seconds),
                        ContentType = stored.ContentType,
                        SizeBytes = stored.SizeBytes,
                        Sha256 = stored.Sha256,
                        StorageKey = stored.StorageKey,
                        UploadedAt = start.AddHours(3),
                    });
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await AddOpenRequestsAsync(agency, accounts, now, cancellationToken);
        logger.LogInformation("Seeded the demo city: {Residents} residents, {Cameras} cameras.", residents.Count, cameraIndex);
        return true;
    }

    private async Task AddOpenRequestsAsync(
        Agency agency, Dictionary<string, ApplicationUser> accounts, DateTime now, CancellationToken cancellationToken)
    {
        var reyes = accounts["officer.reyes@larkspurbay.example"];
        var okafor = accounts["officer.okafor@larkspurbay.example"];
        var requests = new[]
        {
            NewRequest(agency, reyes, "LBPD-2026-04417", IncidentType.Burglary,
                "Rear-door break-in at a house on Heron Street. Looking for people or vehicles passing during the time window.",
                CenterLatitude + 0.0004, CenterLongitude - 0.0006, 450, now.Date.AddDays(-1).AddHours(21), TimeSpan.FromHours(2.5), now.AddHours(-20)),
            NewRequest(agency, okafor, "LBPD-2026-04452", IncidentType.HitAndRun,
                "A cyclist was struck at the Heron Street and Quarry Lane crossing; the driver left northbound.",
                CenterLatitude - 0.0008, CenterLongitude + 0.0005, 600, now.Date.AddDays(-2).AddHours(21), TimeSpan.FromHours(3), now.AddHours(-8)),
            NewRequest(agency, reyes, "LBPD-2026-04460", IncidentType.PackageTheft,
                "Parcels taken from several porches along Alder Row.",
                CenterLatitude + 0.0010, CenterLongitude + 0.0009, 300, now.Date.AddDays(-3).AddHours(21), TimeSpan.FromHours(2), now.AddHours(-2)),
        };

        // The demo's requests were approved before the reviewer's time in the demo began; they open as filed.
        foreach (var request in requests)
        {
            await auditLog.WriteAsync((unit, audit, cancellationToken) =>
                NoticeFanOut.AddRequestWithNoticesAsync(unit, audit, request, cancellationToken: cancellationToken), cancellationToken);
        }

        // One request waits for the demo reviewer: nobody has been told about it.
        var waiting = NewRequest(agency, okafor, "LBPD-2026-04471", IncidentType.VehicleTheft,
            "A grey hatchback was taken from a driveway on Cedar Walk overnight.",
            CenterLatitude - 0.0012, CenterLongitude - 0.0010, 350, now.Date.AddDays(-1).AddHours(23), TimeSpan.FromHours(4), now.AddHours(-1));
        await auditLog.WriteAsync((unit, audit, cancellationToken) =>
            NoticeFanOut.AddRequestForReviewAsync(unit, audit, waiting, cancellationToken), cancellationToken);
    }

    private static FootageRequest NewRequest(
        Agency agency, ApplicationUser officer, string caseNumber, IncidentType type, string description,
        double latitude, double longitude, double radius, DateTime windowStart, TimeSpan length, DateTime createdAt) => new()
    {
        Id = Guid.NewGuid(),
        AgencyId = agency.Id,
        OfficerId = officer.Id,
        CaseNumber = caseNumber,
        IncidentType = type,
        Description = description,
        OfficerContact = $"{officer.DisplayName}, {officer.Email}",
        CenterLatitude = latitude,
        CenterLongitude = longitude,
        RadiusMeters = radius,
        WindowStart = windowStart,
        WindowEnd = windowStart + length,
        CreatedAt = createdAt,
        ExpiresAt = createdAt.AddDays(7),
        Status = RequestStatus.Open,
    };

    private async Task<Dictionary<string, StoredFile>> StoreVideosAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "DemoMedia");
        var stored = new Dictionary<string, StoredFile>();
        foreach (var (file, _) in Videos)
        {
            await using var stream = File.OpenRead(Path.Combine(folder, file));
            stored[file] = await clipStorage.StoreAsync(stream, long.MaxValue, cancellationToken);
        }

        return stored;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Demo seeding failed: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}
