using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Audit;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ConsentDashboard.Tests.Support;

/// <summary>
/// A migrated database with a generated log: agencies, residents (in the Resident role), staff, and entries of every
/// kind with random agencies, cases, legal bases and residents over a year. The auditor services run on it.
/// </summary>
public sealed class AuditWorld : IDisposable
{
    private AuditWorld(TestApp app) => Database = app;

    /// <summary>The app's services and database the world lives in.</summary>
    public TestApp Database { get; }
    public FakeTimeProvider Time => Database.Time;
    public AuditLog AuditLog => Database.Get<AuditLog>();
    public ResidentPseudonyms Pseudonyms => Database.Get<ResidentPseudonyms>();
    public AuditCheckpointSigner Signer => Database.Get<AuditCheckpointSigner>();
    public AuditCheckpoints Checkpoints => Database.Get<AuditCheckpoints>();
    public AuditLogService Service => Database.Get<AuditLogService>();
    public string DataFolderPath => Database.DataFolder;
    public List<ApplicationUser> Residents { get; } = [];
    public List<Agency> Agencies { get; } = [];
    public string AuditorId { get; private set; } = "";
    public ClaimsPrincipal Auditor => Principals.For(AuditorId, Roles.Auditor);

    public static readonly string[] Cases = ["C-1", "C-2", "C-3", "C-4", "C-5", "C-6"];

    public static async Task<AuditWorld> CreateAsync(int entries, int seed = 99, IDictionary<string, string?>? settings = null)
    {
        var world = new AuditWorld(await TestApp.CreateAsync(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), settings));
        await world.SeedAsync(entries, new Random(seed));
        return world;
    }

    private async Task SeedAsync(int count, Random random)
    {
        await using var db = Database.CreateDbContext();
        var roles = await db.Roles.ToDictionaryAsync(r => r.Name!);
        for (var i = 0; i < 3; i++)
        {
            Agencies.Add(new Agency { Name = $"Agency {i}", Jurisdiction = "J" });
        }

        db.Agencies.AddRange(Agencies);
        for (var i = 0; i < 8; i++)
        {
            var resident = new ApplicationUser { UserName = $"resident{i}@example.org", Email = $"resident{i}@example.org", DisplayName = $"Resident Name {i}" };
            Residents.Add(resident);
            db.Users.Add(resident);
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = resident.Id, RoleId = roles[Roles.Resident].Id });
        }

        var officer = new ApplicationUser { UserName = "officer@example.org", Email = "officer@example.org", DisplayName = "Officer Kim" };
        var auditor = new ApplicationUser { UserName = "auditor@example.org", Email = "auditor@example.org", DisplayName = "Auditor Lee" };
        db.Users.AddRange(officer, auditor);
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = officer.Id, RoleId = roles[Roles.Officer].Id });
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = auditor.Id, RoleId = roles[Roles.Auditor].Id });
        AuditorId = auditor.Id;
        await db.SaveChangesAsync();

        await AuditLog.WriteAsync(async (db, audit, _) =>
        {
            for (var i = 0; i < count; i++)
            {
                Time.Advance(TimeSpan.FromMinutes(random.Next(1, 400)));
                var agency = Agencies[random.Next(Agencies.Count)].Id;
                var caseNumber = Cases[random.Next(Cases.Length)];
                var resident = Residents[random.Next(Residents.Count)].Id;
                var basis = random.Next(10) switch { < 7 => LegalBasis.Consent, < 9 => LegalBasis.Warrant, _ => LegalBasis.Emergency };
                switch (random.Next(6))
                {
                    case 0:
                        await audit.AppendAsync($"user:{officer.Id}", $"request:{Guid.NewGuid()}",
                            SampleEvents.Request(agency, caseNumber, notified: random.Next(0, 40)));
                        break;
                    case 1 or 2:
                        await audit.AppendAsync($"user:{resident}", $"disclosure:{Guid.NewGuid()}", SampleEvents.Disclosure(agency, caseNumber, basis, resident));
                        break;
                    case 3:
                        await audit.AppendAsync($"user:{officer.Id}", $"disclosure:{Guid.NewGuid()}", SampleEvents.View(agency, caseNumber, basis, resident));
                        break;
                    case 4:
                        await audit.AppendAsync($"user:{resident}", $"disclosure:{Guid.NewGuid()}", SampleEvents.Revocation(agency, caseNumber, basis, resident));
                        break;
                    default:
                        await audit.AppendAsync(AuditActors.System, $"request:{Guid.NewGuid()}", new RequestExpired(agency, caseNumber, Time.GetUtcNow().UtcDateTime));
                        break;
                }
            }
        });
    }

    public async Task<List<AuditEntry>> AllEntriesAsync()
    {
        await using var db = Database.CreateDbContext();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    public void Dispose() => Database.Dispose();
}
