using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Admin;

/// <summary>
/// <c>create-admin</c> through the real executable, in Production mode, on an empty data folder (and, when the suite
/// runs on PostgreSQL, an empty database the command and the test's app share).
/// </summary>
public sealed class CreateAdminCommandTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private Dictionary<string, string?> _database = [];

    public async ValueTask InitializeAsync() => _database = await PostgresServer.SuiteDatabaseSettingsAsync();

    private Dictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["ConsentDashboard__DataFolder"] = _folder.Path,
        ["ConsentDashboard__Smtp__Host"] = "127.0.0.1",
        ["ConsentDashboard__PublicBaseUrl"] = "https://consent.example.org",
    }.Concat(_database.Select(setting => KeyValuePair.Create(setting.Key.Replace(":", "__"), setting.Value!))).ToDictionary();

    private Task<TestApp> OpenAsync() => TestApp.CreateAsync(settings: new Dictionary<string, string?>(_database), dataFolder: _folder.Path);

    private Task<AppCommand.Result> RunAsync(string? standardInput, params string[] arguments) =>
        AppCommand.RunAsync(["create-admin", .. arguments], Environment, standardInput);

    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task OnAnEmptyFolder_ItMigrates_CreatesAConfirmedAdmin_PrintsAOneTimeLink_AndLogsItForAuditors()
    {
        var result = await RunAsync(null, "--email", "ada@city.example", "--name", "Ada Admin");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Matches(@"https://consent\.example\.org/Account/ChoosePassword\?userId=[0-9a-f-]+&code=\S+&kind=FirstAdmin", result.Output);
        using var app = await OpenAsync();
        await using var db = app.CreateDbContext();
        var admin = await db.Users.SingleAsync();
        Assert.Equal(("ada@city.example", "Ada Admin", true, null), (admin.Email, admin.DisplayName, admin.EmailConfirmed, admin.PasswordHash));
        Assert.True(await app.Get<UserManager<ApplicationUser>>().IsInRoleAsync(admin, Roles.Admin));
        var entry = await db.AuditEntries.SingleAsync();
        Assert.Equal((nameof(AdminCreated), "system:cli"), (entry.Action, entry.Actor));
        Assert.True((await AuditChainVerifier.VerifyAsync(db)).IsValid);
    }

    [Fact]
    public async Task WithPasswordStdin_TheAdminCanUseThatPassword_AndNoLinkIsPrinted()
    {
        var result = await RunAsync("a passphrase of some length", "--email", "ada@city.example", "--name", "Ada Admin", "--password-stdin");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.DoesNotContain("http", result.Output);
        using var app = await OpenAsync();
        var users = app.Get<UserManager<ApplicationUser>>();
        Assert.True(await users.CheckPasswordAsync((await users.FindByEmailAsync("ada@city.example"))!, "a passphrase of some length"));
    }

    [Fact]
    public async Task Refusals_ExitWithOne_AndUsageErrorsWithTwo_EachSayingWhy()
    {
        var first = await RunAsync(null, "--email", "ada@city.example", "--name", "Ada Admin");
        var again = await RunAsync(null, "--email", "ada@city.example", "--name", "Ada Again");
        var invalid = await RunAsync(null, "--email", "not-an-address", "--name", "X");
        var weak = await RunAsync("short", "--email", "bo@city.example", "--name", "Bo", "--password-stdin");
        var noName = await RunAsync(null, "--email", "bo@city.example");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal((1, true), (again.ExitCode, again.Error.Contains("already an admin")));
        Assert.Equal((1, true), (invalid.ExitCode, invalid.Error.Contains("is not an e-mail address")));
        Assert.Equal((1, true), (weak.ExitCode, weak.Error.Contains("at least 12 characters")));
        Assert.Equal((2, true), (noName.ExitCode, noName.Error.Contains("Usage: ConsentDashboard create-admin")));
        using var app = await OpenAsync();
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.Users.CountAsync());
        Assert.Equal(1, await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task AnAddressInUseByAResident_IsRefused()
    {
        using (var app = await OpenAsync())
        {
            var users = app.Get<UserManager<ApplicationUser>>();
            var resident = new ApplicationUser { UserName = "maya@city.example", Email = "maya@city.example", DisplayName = "Maya" };
            await users.CreateAsync(resident, "maya's long passphrase");
            await users.AddToRoleAsync(resident, Roles.Resident);
        }

        var result = await RunAsync(null, "--email", "maya@city.example", "--name", "Maya");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already has an account as resident", result.Error);
    }
}
