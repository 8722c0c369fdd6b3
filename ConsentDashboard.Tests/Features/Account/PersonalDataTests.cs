using System.Text.Json;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Account;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Account;

public sealed class PersonalDataTests : IAsyncLifetime
{
    private ResidentScenario _scenario = null!;
    private Guid _disclosureId;

    public async ValueTask InitializeAsync()
    {
        _scenario = await ResidentScenario.CreateAsync();
        await _scenario.NoticeService().ShareAsync(_scenario.UserA, new ShareInput { NoticeId = _scenario.NoticeA.Id, ClipIds = [_scenario.ClipA1.Id] });
        await using var db = _scenario.Database.CreateDbContext();
        _disclosureId = await db.Disclosures.Select(d => d.Id).SingleAsync();
    }

    public ValueTask DisposeAsync()
    {
        _scenario.Dispose();
        return ValueTask.CompletedTask;
    }

    private PersonalDataService Service => _scenario.Database.Get<PersonalDataService>();

    [Fact]
    public async Task TheDownload_HoldsProfileCamerasClipsNoticesAndDisclosures_WithTheAnswerAndEveryAgencyView()
    {
        await _scenario.AuditLog.WriteAsync(async (db, audit, _) =>
        {
            var disclosure = await db.Disclosures.Include(d => d.Request).SingleAsync();
            await audit.AppendAsync(AuditActors.User(_scenario.Officer.Id), $"disclosure:{disclosure.Id}", ClipViewed.Of(disclosure));
        });

        using var document = JsonDocument.Parse(await Service.ExportAsync(_scenario.ResidentA.Id));
        var root = document.RootElement;

        Assert.Equal("a@residents.example", root.GetProperty("profile").GetProperty("email").GetString());
        Assert.Equal("Resident A", root.GetProperty("profile").GetProperty("displayName").GetString());
        Assert.True(root.GetProperty("profile").GetProperty("preferences").GetProperty("emailAboutRequests").GetBoolean());
        Assert.Equal(["Cabin", "Porch"], root.GetProperty("cameras").EnumerateArray().Select(c => c.GetProperty("label").GetString()));
        Assert.Equal(4, root.GetProperty("clips").GetArrayLength());
        var notice = Assert.Single(root.GetProperty("notices").EnumerateArray());
        Assert.Equal(("HC-77", "Shared"), (notice.GetProperty("caseNumber").GetString(), notice.GetProperty("yourAnswer").GetString()));
        var shared = Assert.Single(root.GetProperty("disclosures").EnumerateArray());
        Assert.Equal((_scenario.ClipA1.Sha256, "Harbour City Police"), (shared.GetProperty("clipSha256").GetString(), shared.GetProperty("agency").GetString()));
        Assert.False(Assert.Single(shared.GetProperty("agencyAccesses").EnumerateArray()).GetProperty("downloaded").GetBoolean());
        Assert.DoesNotContain("Resident B", document.RootElement.GetRawText());
    }

    [Fact]
    public async Task DeletingAResidentWhoShared_RevokesAndLogs_RemovesTheirData_AndLeavesAValidChain()
    {
        await Service.DeleteResidentAsync(_scenario.ResidentA.Id);

        await using var db = _scenario.Database.CreateDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.Id == _scenario.ResidentA.Id));
        Assert.False(await db.Disclosures.AnyAsync());
        Assert.False(await db.Cameras.AnyAsync(c => c.OwnerId == _scenario.ResidentA.Id));
        Assert.False(await db.RequestNotices.AnyAsync(n => n.ResidentId == _scenario.ResidentA.Id));
        Assert.Equal(1, await db.Clips.CountAsync());
        var entries = await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal([nameof(DisclosureCreated), nameof(DisclosureRevoked), nameof(AccountDeleted)], entries.Select(e => e.Action));
        Assert.Equal($"disclosure:{_disclosureId}", entries[1].Subject);
        Assert.All(entries, e => Assert.DoesNotContain("a@residents.example", e.Details + e.Actor + e.Subject));
        var chain = await AuditChainVerifier.VerifyAsync(db);
        Assert.True(chain.IsValid, chain.Reason);
        Assert.Equal(3, chain.EntriesChecked);
    }

    [Fact]
    public async Task AStaffAccount_IsNotDeleted_ButRefusedWithTheReason()
    {
        var users = _scenario.Database.Get<UserManager<ApplicationUser>>();
        await users.AddToRoleAsync((await users.FindByIdAsync(_scenario.Officer.Id))!, Roles.Officer);

        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() => Service.DeleteResidentAsync(_scenario.Officer.Id));

        Assert.Contains("disabled by an admin", refused.Message);
        await using var db = _scenario.Database.CreateDbContext();
        Assert.True(await db.Users.AnyAsync(u => u.Id == _scenario.Officer.Id));
    }
}
