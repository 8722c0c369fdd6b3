using System.Security.Claims;
using System.Text.Json;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Admin;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Admin;

/// <summary>An admin's agencies and staff through the app's own services: every change audited, every refusal explained.</summary>
public sealed class StaffAccountsTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ClaimsPrincipal _admin = null!;
    private string _adminId = "";
    private int _agencyId;

    public async ValueTask InitializeAsync()
    {
        _app = await TestApp.CreateAsync();
        await _app.Get<StaffAccounts>().CreateFirstAdminAsync("ada@city.example", "Ada Admin", "correct horse battery");
        await using var db = _app.CreateDbContext();
        _adminId = await db.Users.Where(u => u.Email == "ada@city.example").Select(u => u.Id).SingleAsync();
        _admin = Principals.For(_adminId, Roles.Admin);
        _agencyId = await _app.Get<AgencyAdminService>().SaveAsync(_admin, new AgencyInput { Name = "Harbour PD", Jurisdiction = "Harbour City" });
    }

    public ValueTask DisposeAsync()
    {
        _app.Dispose();
        return ValueTask.CompletedTask;
    }

    private StaffAccounts Staff => _app.Get<StaffAccounts>();

    private async Task<List<AuditEntry>> EntriesAsync()
    {
        await using var db = _app.CreateDbContext();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    /// <summary>The account as stored now, read past any context that tracked it earlier.</summary>
    private async Task<ApplicationUser> StoredAsync(string id)
    {
        await using var db = _app.CreateDbContext();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
    }

    private async Task<string> InviteAsync(string email, string role, int? agencyId = null) =>
        await Staff.InviteAsync(_admin, new StaffInviteInput { Email = email, DisplayName = email.Split('@')[0], Role = role, AgencyId = agencyId });

    [Fact]
    public async Task TheFirstAdmin_IsConfirmedAndAdmin_AndLoggedAsCreatedByTheCommandLine()
    {
        await using var db = _app.CreateDbContext();
        var admin = await db.Users.SingleAsync(u => u.Id == _adminId);
        var entries = await EntriesAsync();

        Assert.True(admin.EmailConfirmed);
        Assert.True(await _app.Get<UserManager<ApplicationUser>>().IsInRoleAsync(admin, Roles.Admin));
        var created = Assert.Single(entries, e => e.Action == nameof(AdminCreated));
        Assert.Equal((AuditActors.CommandLine, $"account:{_adminId}"), (created.Actor, created.Subject));
        var agency = Assert.Single(entries, e => e.Action == nameof(AgencyCreated));
        Assert.Equal((AuditActors.User(_adminId), _agencyId), (agency.Actor, agency.AgencyId));
    }

    [Fact]
    public async Task AnInvitation_CreatesAnAccountWithoutPassword_LogsWhoGaveWhomAccess_AndQueuesOneEmailWithItsLink()
    {
        var officerId = await InviteAsync("vale@harbour.example", Roles.Officer, _agencyId);

        await using var db = _app.CreateDbContext();
        var officer = await db.Users.SingleAsync(u => u.Id == officerId);
        Assert.Null(officer.PasswordHash);
        Assert.Equal(_agencyId, officer.AgencyId);
        var invited = (await EntriesAsync()).Single(e => e.Action == nameof(StaffInvited));
        Assert.Equal((AuditActors.User(_adminId), $"account:{officerId}", _agencyId), (invited.Actor, invited.Subject, invited.AgencyId));
        Assert.Equal(Roles.Officer, JsonSerializer.Deserialize<StaffInvited>(invited.Details, AuditLog.DetailsJson)!.Role);
        var mail = await db.OutboxMessages.SingleAsync(m => m.Kind == "invitation");
        Assert.Equal("vale@harbour.example", mail.To);
        Assert.Contains("an officer of Harbour PD", mail.TextBody);
        Assert.Contains($"http://localhost:5178/Account/ChoosePassword?userId={officerId}", mail.TextBody);
    }

    [Fact]
    public async Task TheInvitationLink_SetsThePasswordOnce_AndThenNoLonger()
    {
        var auditorId = await InviteAsync("lee@oversight.example", Roles.Auditor);
        await using var db = _app.CreateDbContext();
        var link = new Uri(System.Text.RegularExpressions.Regex.Match((await db.OutboxMessages.SingleAsync(m => m.To == "lee@oversight.example")).TextBody,
            @"http\S+ChoosePassword\S+").Value);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link.Query);

        await Staff.ChooseFirstPasswordAsync(auditorId, PasswordLinkKind.Invitation, query["code"]!, "a long enough passphrase");
        var again = await Assert.ThrowsAsync<ActionRefusedException>(() =>
            Staff.ChooseFirstPasswordAsync(auditorId, PasswordLinkKind.Invitation, query["code"]!, "another long passphrase"));

        var users = _app.Get<UserManager<ApplicationUser>>();
        var auditor = (await users.FindByIdAsync(auditorId))!;
        Assert.True(await users.CheckPasswordAsync(auditor, "a long enough passphrase"));
        Assert.True(auditor.EmailConfirmed);
        Assert.Equal(StaffAccounts.ExpiredLink, again.Message);
        Assert.False(await _app.Get<StaffPasswordLinks>().IsValidAsync(auditor, PasswordLinkKind.FirstAdmin, query["code"]!));
    }

    [Theory]
    [InlineData("ada@city.example", "Admin", null, "An account with this e-mail address already exists.")]
    [InlineData("new@city.example", null, null, "Choose a role.")]
    [InlineData("new@city.example", "Resident", null, "Choose Officer, Auditor, Reviewer or Admin.")]
    [InlineData("new@city.example", "Officer", null, "An officer belongs to an agency: choose one.")]
    [InlineData("new@city.example", "Officer", 999, "Choose an active agency from the list.")]
    [InlineData("not-an-address", "Auditor", null, "Enter an e-mail address such as name@police.example.")]
    public async Task ABadInvitation_IsRefusedWithItsReason_AndChangesNothing(string email, string? role, int? agencyId, string reason)
    {
        var before = (await EntriesAsync()).Count;

        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() =>
            Staff.InviteAsync(_admin, new StaffInviteInput { Email = email, DisplayName = "Someone", Role = role, AgencyId = agencyId }));

        Assert.Contains(reason, refused.Message);
        await using var db = _app.CreateDbContext();
        Assert.Equal(1, await db.Users.CountAsync());
        Assert.Equal(0, await db.OutboxMessages.CountAsync());
        Assert.Equal(before, (await EntriesAsync()).Count);
    }

    [Fact]
    public async Task OnlyAnAdmin_MayInviteDisableOrMove()
    {
        var officerId = await InviteAsync("vale@harbour.example", Roles.Officer, _agencyId);
        var officer = Principals.For(officerId, Roles.Officer);
        var auditor = Principals.For("someone", Roles.Auditor);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            Staff.InviteAsync(officer, new StaffInviteInput { Email = "x@y.example", DisplayName = "X", Role = Roles.Officer, AgencyId = _agencyId }));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Staff.SetDisabledAsync(auditor, _adminId, true));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Staff.MoveOfficerAsync(officer, officerId, _agencyId));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _app.Get<AgencyAdminService>().SetActiveAsync(officer, _agencyId, false));
    }

    [Fact]
    public async Task TheLastActiveAdmin_CannotBeDisabled_ButAnotherCan_AndADisabledAccountCannotSignIn()
    {
        var last = await Assert.ThrowsAsync<ActionRefusedException>(() => Staff.SetDisabledAsync(_admin, _adminId, true));
        Assert.Contains("last active admin", last.Message);

        var secondId = await InviteAsync("bo@city.example", Roles.Admin);
        var users = _app.Get<UserManager<ApplicationUser>>();
        var link = await _app.Get<StaffPasswordLinks>().CreateAsync((await users.FindByIdAsync(secondId))!, PasswordLinkKind.Invitation);
        string code = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(link).Query)["code"]!;
        await Staff.ChooseFirstPasswordAsync(secondId, PasswordLinkKind.Invitation, code, "bo's long passphrase");
        var stampBefore = (await StoredAsync(secondId)).SecurityStamp;

        await Staff.SetDisabledAsync(_admin, secondId, true);

        var disabled = await StoredAsync(secondId);
        Assert.NotNull(disabled.DisabledAt);
        Assert.NotEqual(stampBefore, disabled.SecurityStamp);
        Assert.True(disabled.LockoutEnd > DateTimeOffset.UtcNow.AddYears(100));
        Assert.Contains(await EntriesAsync(), e => e.Action == nameof(StaffDisabled) && e.Subject == $"account:{secondId}");

        await Staff.SetDisabledAsync(_admin, secondId, false);
        var enabled = await StoredAsync(secondId);
        Assert.Equal((null, null), (enabled.DisabledAt, enabled.LockoutEnd));
        Assert.Contains(await EntriesAsync(), e => e.Action == nameof(StaffEnabled));
    }

    [Fact]
    public async Task MovingAnOfficer_ChangesTheirAgency_AndIsLoggedUnderTheNewAgency()
    {
        var other = await _app.Get<AgencyAdminService>().SaveAsync(_admin, new AgencyInput { Name = "County Sheriff", Jurisdiction = "Harbour County" });
        var officerId = await InviteAsync("vale@harbour.example", Roles.Officer, _agencyId);

        await Staff.MoveOfficerAsync(_admin, officerId, other);
        var same = await Assert.ThrowsAsync<ActionRefusedException>(() => Staff.MoveOfficerAsync(_admin, officerId, other));
        var notOfficer = await Assert.ThrowsAsync<ActionRefusedException>(() => Staff.MoveOfficerAsync(_admin, _adminId, other));

        await using var db = _app.CreateDbContext();
        Assert.Equal(other, await db.Users.Where(u => u.Id == officerId).Select(u => u.AgencyId).SingleAsync());
        var moved = (await EntriesAsync()).Single(e => e.Action == nameof(StaffMoved));
        Assert.Equal(other, moved.AgencyId);
        Assert.Contains("already belongs", same.Message);
        Assert.Equal("Only an officer belongs to an agency.", notOfficer.Message);
    }

    [Fact]
    public async Task ADeactivatedAgency_CannotFile_AndItsNameCannotBeTakenTwice()
    {
        var officerId = await InviteAsync("vale@harbour.example", Roles.Officer, _agencyId);
        var agencies = _app.Get<AgencyAdminService>();
        await agencies.SetActiveAsync(_admin, _agencyId, false);
        var now = _app.Time.GetUtcNow().UtcDateTime;

        var filing = await Assert.ThrowsAsync<ActionRefusedException>(() => _app.Get<AgencyRequestService>().FileAsync(Principals.For(officerId, Roles.Officer),
            new FootageRequestInput
            {
                CaseNumber = "H-1", IncidentType = IncidentType.Burglary, Description = "Break-in", OfficerContact = "desk", CenterLatitude = 46.2,
                CenterLongitude = -84, RadiusMeters = 300, WindowStart = now.AddHours(-3), WindowEnd = now.AddHours(-2), ExpiresInDays = 7,
            }));
        var duplicate = await Assert.ThrowsAsync<ActionRefusedException>(() =>
            agencies.SaveAsync(_admin, new AgencyInput { Name = " Harbour PD ", Jurisdiction = "Elsewhere" }));

        Assert.Contains("deactivated", filing.Message);
        Assert.Equal("Another agency already has this name.", duplicate.Message);
        var changed = (await EntriesAsync()).Last(e => e.Action == nameof(AgencyChanged));
        Assert.False(JsonSerializer.Deserialize<AgencyChanged>(changed.Details, AuditLog.DetailsJson)!.IsActive);
    }
}
