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
    private readonly TempFolder _data = new();

    private AuditWorld(TestDatabase database, FakeTimeProvider time)
    {
        Database = database;
        Time = time;
        AuditLog = new AuditLog(time);
        var folder = new DataFolder(Options.Create(new ConsentDashboardOptions { DataFolder = _data.Path }), new FixedEnvironment(_data.Path));
        Pseudonyms = new ResidentPseudonyms(folder);
        Signer = new AuditCheckpointSigner(folder);
        Checkpoints = new AuditCheckpoints(database, Signer, time);
        Service = new AuditLogService(database, AuditLog, Pseudonyms, Signer, Checkpoints);
    }

    public TestDatabase Database { get; }
    public FakeTimeProvider Time { get; }
    public AuditLog AuditLog { get; }
    public ResidentPseudonyms Pseudonyms { get; }
    public AuditCheckpointSigner Signer { get; }
    public AuditCheckpoints Checkpoints { get; }
    public AuditLogService Service { get; }
    public string DataFolderPath => _data.Path;
    public List<ApplicationUser> Residents { get; } = [];
    public List<Agency> Agencies { get; } = [];
    public string AuditorId { get; private set; } = "";
    public ClaimsPrincipal Auditor => Principals.For(AuditorId, Roles.Auditor);

    public static readonly string[] Cases = ["C-1", "C-2", "C-3", "C-4", "C-5", "C-6"];

    public static async Task<AuditWorld> CreateAsync(int entries, int seed = 99)
    {
        var world = new AuditWorld(await TestDatabase.CreateAsync(), new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        await world.SeedAsync(entries, new Random(seed));
        return world;
    }

    private async Task SeedAsync(int count, Random random)
    {
        await using var db = Database.CreateDbContext();
        var roles = Roles.All.ToDictionary(r => r, r => new IdentityRole(r) { NormalizedName = r.ToUpperInvariant() });
        db.Roles.AddRange(roles.Values);
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

        await using var audit = await AuditLog.BeginAsync(db);
        for (var i = 0; i < count; i++)
        {
            Time.Advance(TimeSpan.FromMinutes(random.Next(1, 400)));
            var agency = Agencies[random.Next(Agencies.Count)].Id;
            var caseNumber = Cases[random.Next(Cases.Length)];
            var resident = Residents[random.Next(Residents.Count)].Id;
            var basis = random.Next(10) switch { < 7 => "Consent", < 9 => "Warrant", _ => "Emergency" };
            switch (random.Next(6))
            {
                case 0:
                    await audit.AppendAsync($"user:{officer.Id}", AuditActions.RequestCreated, $"request:{Guid.NewGuid()}",
                        new { AgencyId = agency, CaseNumber = caseNumber, Notified = random.Next(0, 40) });
                    break;
                case 1 or 2:
                    await audit.AppendAsync($"user:{resident}", AuditActions.DisclosureCreated, $"disclosure:{Guid.NewGuid()}",
                        new { AgencyId = agency, CaseNumber = caseNumber, LegalBasis = basis }, residentId: resident);
                    break;
                case 3:
                    await audit.AppendAsync($"user:{officer.Id}", AuditActions.ClipViewed, $"disclosure:{Guid.NewGuid()}",
                        new { AgencyId = agency, CaseNumber = caseNumber, LegalBasis = basis }, residentId: resident);
                    break;
                case 4:
                    await audit.AppendAsync($"user:{resident}", AuditActions.DisclosureRevoked, $"disclosure:{Guid.NewGuid()}",
                        new { AgencyId = agency, CaseNumber = caseNumber, LegalBasis = basis }, residentId: resident);
                    break;
                default:
                    await audit.AppendAsync("system", AuditActions.RequestExpired, $"request:{Guid.NewGuid()}", new { AgencyId = agency, CaseNumber = caseNumber });
                    break;
            }
        }

        await audit.CommitAsync();
    }

    public async Task<List<AuditEntry>> AllEntriesAsync()
    {
        await using var db = Database.CreateDbContext();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    public void Dispose()
    {
        Signer.Dispose();
        Database.Dispose();
        _data.Dispose();
    }
}
