using System.Net;
using ConsentDashboard.Tests.Support;

namespace ConsentDashboard.Tests.Components;

/// <summary>Pages that need no interactivity are rendered on the server alone: they start no circuit and hold no server memory.</summary>
public sealed class StaticPagesTests(AppFactory app) : IClassFixture<AppFactory>
{
    // What a page carries when the browser is to start a circuit for it.
    private const string CircuitMarker = "<!--Blazor:{\"type\":\"server\"";

    [Theory]
    [InlineData("/")]
    [InlineData("/privacy")]
    [InlineData("/public/requests")]
    [InlineData("/log/heads")]
    public async Task APageWithNothingToInteractWith_StartsNoCircuit(string path)
    {
        using var visitor = app.CreateBrowserlessClient();

        var html = await visitor.GetStringAsync(path);

        Assert.DoesNotContain(CircuitMarker, html);
        // Ready at once (browser tests wait for this), and the theme still switches, by a link.
        Assert.Contains("data-ready=\"true\"", html);
        Assert.Contains($"href=\"/theme/dark?returnUrl={Uri.EscapeDataString(path)}\"", html);
    }

    [Fact]
    public async Task AResidentsInbox_StillStartsACircuit()
    {
        using var resident = app.CreateBrowserlessClient();
        await SignIn.AsAsync(resident, DemoAccounts.Resident);

        var html = await resident.GetStringAsync("/inbox");

        Assert.Contains(CircuitMarker, html);
        Assert.Contains("data-ready=\"false\"", html);
    }

    [Fact]
    public async Task TheThemeLink_RemembersTheChoice_AndReturnsToThePage()
    {
        using var visitor = app.CreateBrowserlessClient();

        using var switched = await visitor.GetAsync("/theme/dark?returnUrl=%2Fprivacy");
        var html = await visitor.GetStringAsync("/privacy");

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/privacy", switched.Headers.Location?.ToString());
        Assert.Contains("class=\"cd-dark\"", html);
        Assert.Contains("href=\"/theme/light?returnUrl=%2Fprivacy\"", html);
    }

    [Theory]
    [InlineData("/theme/dark?returnUrl=https%3A%2F%2Fevil.example%2F", HttpStatusCode.Redirect, "/")]
    [InlineData("/theme/dark?returnUrl=%2F%2Fevil.example", HttpStatusCode.Redirect, "/")]
    [InlineData("/theme/sepia?returnUrl=%2Fprivacy", HttpStatusCode.NotFound, null)]
    public async Task TheThemeLink_GoesNowhereElse_AndKnowsTwoThemes(string link, HttpStatusCode status, string? location)
    {
        using var visitor = app.CreateBrowserlessClient();

        using var response = await visitor.GetAsync(link);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.ToString());
    }
}
