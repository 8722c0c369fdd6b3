using System.Net;
using System.Text.RegularExpressions;
using ConsentDashboard.Tests.Browser;
using ConsentDashboard.Tests.Support;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Deploy;

/// <summary>Two app processes behind HAProxy: what a resident and an officer on different nodes see of each other's work.</summary>
[Collection(nameof(TwoNodeDeploymentCollection))]
public sealed class TwoNodeDeploymentTests(TwoNodeDeployment deployment)
{
    [Fact]
    public async Task ARequestFiledAndApprovedOnNodeOne_AppearsInTheResidentsOpenInboxOnNodeTwo_WithoutAReload()
    {
        const string Case = "LBPD-2026-07001";
        var (nodeOne, nodeTwo) = (deployment.Nodes[0], deployment.Nodes[1]);
        var resident = await deployment.NewPageOnAsync(nodeTwo);
        await resident.SignInAsync(DemoAccounts.Resident);
        await resident.WaitForURLAsync(new Regex("/inbox$"));
        await resident.WaitForCircuitAsync();
        await Assertions.Expect(resident.GetByTestId("inbox-table")).Not.ToContainTextAsync(Case);

        (double, double, DateTime) target;
        await using (var db = deployment.CreateDbContext())
        {
            target = await DemoTargets.ResidentsLatestClipAsync(db);
        }

        var (latitude, longitude, clipStart) = target;
        var officer = await deployment.NewPageOnAsync(nodeOne);
        await officer.SignInAsync(DemoAccounts.Officer);
        await officer.WaitForURLAsync(new Regex("/agency/requests$"));
        await officer.WaitForCircuitAsync();
        var requestId = await officer.FileRequestAsync(new RequestForm(
            Case, "Burglary", "Garage broken into; looking for anyone on the path behind it.", latitude, longitude, 300,
            clipStart.AddMinutes(-30), clipStart.AddMinutes(30)));
        var reviewer = await deployment.NewPageOnAsync(nodeOne);
        await reviewer.SignInAsync(DemoAccounts.Reviewer);
        await reviewer.WaitForURLAsync(new Regex("/review$"));
        await reviewer.WaitForCircuitAsync();
        await reviewer.GetByTestId($"approve-{requestId}").ClickAsync();
        await Assertions.Expect(reviewer.GetByTestId($"pending-{requestId}")).Not.ToBeVisibleAsync();

        // Approved on node one; the resident's circuit lives on node two, and its page updates by itself.
        await Assertions.Expect(resident.GetByTestId("inbox-table")).ToContainTextAsync(Case);
        Assert.Equal(["node2", "node1", "node1"], await Task.WhenAll(new[] { resident, officer, reviewer }.Select(TwoNodeDeployment.NodeOfAsync)));
    }

    [Fact]
    public async Task ASignInFormFromNodeOne_IsAcceptedByNodeTwo_AndItsCookieWorksOnBoth()
    {
        var (nodeOne, nodeTwo) = (deployment.Nodes[0], deployment.Nodes[1]);
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(nodeOne.Address) };

        // The form (and its antiforgery token) comes from node one; node two takes the post and signs the resident in.
        var signedIn = await SignIn.PostFormAsync(client, "/Account/Login", new Dictionary<string, string>
        {
            ["Input.Email"] = DemoAccounts.Resident,
            ["Input.Password"] = ConsentDashboard.Infrastructure.Seeding.DemoCity.Password,
        }, action: $"{nodeTwo.Address}/Account/Login");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        foreach (var node in deployment.Nodes)
        {
            var inbox = await client.GetAsync($"{node.Address}/inbox");
            Assert.Equal(HttpStatusCode.OK, inbox.StatusCode);
            Assert.Contains(DemoAccounts.Resident, await inbox.Content.ReadAsStringAsync());
        }
    }
}
