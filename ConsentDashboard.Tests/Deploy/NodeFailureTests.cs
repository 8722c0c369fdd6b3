using System.Text.RegularExpressions;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Browser;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Deploy;

/// <summary>One node of two dies mid-work (<c>kill -9</c>): what residents and auditors are left with.</summary>
[Collection(nameof(TwoNodeDeploymentCollection))]
public sealed class NodeFailureTests(TwoNodeDeployment deployment)
{
    [Fact]
    public async Task ANodeKilledDuringShares_LeavesTheOtherServingTheSameSignIn_AChainThatVerifies_AndAnEntryForEveryDisclosure()
    {
        var (nodeOne, nodeTwo) = (deployment.Nodes[0], deployment.Nodes[1]);
        var (first, second) = await ApprovedRequestsForTheResidentAsync();
        var (requestId, noticeId) = first;
        var resident = await deployment.NewPageOnAsync(nodeOne);
        await resident.SignInAsync(DemoAccounts.Resident);
        await resident.WaitForURLAsync(new Regex("/inbox$"));
        await resident.GotoAsync($"/inbox/{noticeId}");
        await resident.WaitForCircuitAsync();
        var clips = await ClipIdsAsync(resident);
        Assert.True(clips.Count >= 2, $"The request should reach at least two of the resident's clips; it reaches {clips.Count}.");

        await ShareAsync(resident, clips[0]);
        // The second share is confirmed and node one is killed while it may still be writing it.
        await resident.Locator($"input[data-testid=clip-select-{clips[1]}]").CheckAsync();
        await resident.GetByTestId("share-button").ClickAsync();
        await resident.GetByTestId("confirm-share").ClickAsync();
        TwoNodeDeployment.KillHard(nodeOne);
        try
        {
            // The resident reloads: HAProxy sends the page to node two, which honours the sign-in node one issued.
            await resident.ReloadAsync();
            await resident.WaitForCircuitAsync();
            Assert.Equal("node2", await TwoNodeDeployment.NodeOfAsync(resident));
            Assert.EndsWith($"/inbox/{noticeId}", resident.Url);
            await Assertions.Expect(resident.GetByTestId($"clip-shared-{clips[0]}")).ToBeVisibleAsync();
            if (!await resident.GetByTestId($"clip-shared-{clips[1]}").IsVisibleAsync())
            {
                await ShareAsync(resident, clips[1]);
            }

            // And node two takes new work: a share from the second request's notice.
            await resident.GotoAsync($"/inbox/{second.Notice}");
            await resident.WaitForCircuitAsync();
            await ShareAsync(resident, (await ClipIdsAsync(resident))[0]);

            await using var db = deployment.CreateDbContext();
            var disclosures = await db.Disclosures.Where(d => d.RequestId == requestId || d.RequestId == second.Request).Select(d => d.Id).ToListAsync();
            var logged = await db.AuditEntries.Where(e => e.Action == nameof(DisclosureCreated) && e.Subject.StartsWith("disclosure:"))
                .Select(e => e.Subject).ToListAsync();
            Assert.Equal(3, disclosures.Count);
            Assert.All(disclosures, id => Assert.Single(logged, subject => subject == $"disclosure:{id}"));
            var verified = await deployment.VerifyLogAsync();
            Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
            Assert.Contains("Result: VALID", verified.Output);
        }
        finally
        {
            // Node one comes back on its address, and HAProxy sends its browsers to it again, for the tests after this one.
            await deployment.RestartAsync(nodeOne);
        }
    }

    /// <summary>Two requests over the resident's latest clips, filed and approved, and their notices to the resident.</summary>
    private async Task<((Guid Request, Guid Notice) First, (Guid Request, Guid Notice) Second)> ApprovedRequestsForTheResidentAsync()
    {
        using var app = await deployment.ServicesAsync();
        return (await DemoTargets.ApprovedRequestForTheResidentAsync(app, "LBPD-2026-07002"), await DemoTargets.ApprovedRequestForTheResidentAsync(app, "LBPD-2026-07003"));
    }

    private static async Task<List<string>> ClipIdsAsync(IPage resident)
    {
        var boxes = resident.Locator("input[data-testid^=clip-select-]");
        await boxes.First.WaitForAsync();
        var ids = new List<string>();
        foreach (var box in await boxes.AllAsync())
        {
            ids.Add((await box.GetAttributeAsync("data-testid"))!["clip-select-".Length..]);
        }

        return ids;
    }

    private static async Task ShareAsync(IPage resident, string clipId)
    {
        await resident.Locator($"input[data-testid=clip-select-{clipId}]").CheckAsync();
        await resident.GetByTestId("share-button").ClickAsync();
        await resident.GetByTestId("confirm-share").ClickAsync();
        await Assertions.Expect(resident.GetByTestId($"clip-shared-{clipId}")).ToBeVisibleAsync();
    }
}
