using ConsentDashboard.Data;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Seeding;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

public sealed class PublicLedgerFlowTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AnAnonymousVisitor_SeesAnApprovedRequestInTheLedger_WithoutAnyCountPerRequest()
    {
        // An officer files a vandalism request; the reviewer approves it; a resident shares a clip for it.
        var windowStart = DateTime.UtcNow.Date.AddDays(-1).AddHours(20).AddMinutes(30);
        Guid requestId;
        await using (var db = browser.App.CreateDbContext())
        await using (var scope = browser.App.Services.CreateAsyncScope())
        {
            var officerId = await db.Users.Where(u => u.Email == DemoAccounts.Officer).Select(u => u.Id).SingleAsync();
            requestId = await scope.ServiceProvider.GetRequiredService<AgencyRequestService>().FileAsync(Principals.For(officerId, Roles.Officer), new FootageRequestInput
            {
                CaseNumber = "LBPD-2026-07777", IncidentType = IncidentType.Vandalism, Description = "Paint sprayed on parked cars.", OfficerContact = "desk",
                CenterLatitude = DemoCity.CenterLatitude + 0.0031, CenterLongitude = DemoCity.CenterLongitude, RadiusMeters = 500,
                WindowStart = windowStart, WindowEnd = windowStart.AddHours(3), ExpiresInDays = 7,
            });
        }

        var anonymous = await browser.NewPageAsync();
        await anonymous.GotoAsync("/public/requests");
        await anonymous.WaitForCircuitAsync();
        await Assertions.Expect(anonymous.GetByTestId("ledger-requests")).Not.ToContainTextAsync("Vandalism");

        await Reviewing.ApproveAsync(browser.App.Services, requestId);
        await anonymous.ReloadAsync();
        await anonymous.WaitForCircuitAsync();
        var table = anonymous.GetByTestId("ledger-requests");
        var row = table.Locator("tbody tr", new() { HasText = "Vandalism" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync(DemoCity.AgencyName);
        await Assertions.Expect(row).ToContainTextAsync(windowStart.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(row).ToContainTextAsync($"500 m around {Math.Round(DemoCity.CenterLatitude + 0.0031, 2):0.00}");
        await Assertions.Expect(row).ToContainTextAsync("Open");

        // The columns say what, when and roughly where; none counts residents, notices, clips or answers.
        var headers = await table.Locator("thead th").AllInnerTextsAsync();
        Assert.Equal(["Agency", "Incident", "Filed", "Footage of", "Approximate area", "Status", "Closing date"], headers.Select(h => h.Trim()));
        var page = await anonymous.Locator("body").InnerTextAsync();
        Assert.DoesNotContain("LBPD-2026-07777", page);
        Assert.DoesNotContain("Paint sprayed", page);
        Assert.DoesNotMatch("(?i)notified|declin|ignor|shared \\d|\\d+ residents", page);
        await Assertions.Expect(anonymous.GetByTestId("ledger-months")).ToContainTextAsync(DemoCity.AgencyName);
    }
}
