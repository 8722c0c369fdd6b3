using ConsentDashboard.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ConsentDashboard.Tests.Features.Account;

/// <summary>What a real deployment (Production mode) does differently from the demo: no shortcuts, no start without mail.</summary>
public sealed class ProductionModeTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private WebApplicationFactory<Program> _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConsentDashboard:DataFolder", _folder.Path);
            builder.UseSetting("ConsentDashboard:Smtp:Host", "127.0.0.1");
            builder.UseSetting("ConsentDashboard:Smtp:Port", TestSmtpServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("ConsentDashboard:PublicBaseUrl", "https://consent.example.org");
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task TheRegistrationConfirmationPage_NeverShowsALink_AndSaysTheSameForAnyAddress()
    {
        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var registered = await SignIn.PostFormAsync(client, "/Account/Register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Rosa Quinlan",
            ["Input.Email"] = "rosa@residents.example",
            ["Input.Password"] = "correct-horse-battery",
            ["Input.ConfirmPassword"] = "correct-horse-battery",
        });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, registered.StatusCode);

        var known = await client.GetAsync("/Account/RegisterConfirmation?email=rosa%40residents.example");
        var unknown = await client.GetAsync("/Account/RegisterConfirmation?email=nobody%40residents.example");

        Assert.Equal((System.Net.HttpStatusCode.OK, System.Net.HttpStatusCode.OK), (known.StatusCode, unknown.StatusCode));
        var knownPage = await known.Content.ReadAsStringAsync();
        Assert.Contains("Check your e-mail", knownPage);
        Assert.DoesNotContain("ConfirmEmail", knownPage);
        Assert.DoesNotContain("confirm-link", knownPage);
        Assert.Equal(Markup.WithoutPerRenderTokens(knownPage), Markup.WithoutPerRenderTokens(await unknown.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task WithoutAnSmtpServer_ProductionRefusesToStart_WithOneLineNamingTheSetting()
    {
        var result = await AppCommand.RunAsync([], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConsentDashboard__DataFolder"] = _folder.Path,
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        });

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ConsentDashboard cannot start: ConsentDashboard:Smtp:Host is not set", line);
    }

    [Fact]
    public async Task AnUnusableDataFolder_StopsTheStart_WithOneLineNamingTheFolder()
    {
        // A folder that can never be made: its parent is a file.
        var blocker = Path.Combine(_folder.Path, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "");
        var dataFolder = Path.Combine(blocker, "data");

        var result = await AppCommand.RunAsync([], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConsentDashboard__DataFolder"] = dataFolder,
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        });

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"ConsentDashboard cannot start: the data folder {dataFolder} cannot be used:", line);
        Assert.DoesNotContain("   at ", result.Output + result.Error);
    }
}
