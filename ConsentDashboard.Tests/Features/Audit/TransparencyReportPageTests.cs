using Bunit;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Audit;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Tests.Support;

namespace ConsentDashboard.Tests.Features.Audit;

public sealed class TransparencyReportPageTests
{
    [Fact]
    public async Task TheChart_IsOneImageNamedByTheFiguresTheTablePrints()
    {
        using var scenario = await ResidentScenario.CreateAsync();
        await scenario.NoticeService().ShareAsync(scenario.UserA, new ShareInput { NoticeId = scenario.NoticeA.Id, ClipIds = [scenario.ClipA1.Id] });
        var auditor = new ApplicationUser { Id = "auditor-1", Email = "auditor@harbour.example" };
        await using var context = ResidentPageContext.Create(scenario, auditor, role: Roles.Auditor);

        var page = context.RenderWithProviders<TransparencyReportPage>();

        var figure = page.WaitForElement("[data-testid=report-chart-figure]");
        var month = scenario.Time.GetUtcNow().UtcDateTime.Month - 1;
        var label = figure.GetAttribute("aria-label")!;
        Assert.Equal("img", figure.GetAttribute("role"));
        Assert.StartsWith($"Bar chart of clips disclosed and requests filed per month in {scenario.Time.GetUtcNow().Year}.", label);
        var monthName = page.Find($"[data-testid=report-table] tbody tr:nth-child({month + 1}) th").TextContent;
        Assert.Contains($"{monthName}: {page.Find($"[data-testid=cell-{month}-2]").TextContent} clips, {page.Find($"[data-testid=cell-{month}-0]").TextContent} requests", label);
        Assert.Contains("< 11 clips", label);
    }
}
