using Bunit;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Inbox;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Inbox;

public sealed class NoticePageTests : IAsyncLifetime
{
    private ResidentScenario _scenario = null!;
    private BunitContext _context = null!;

    public async ValueTask InitializeAsync()
    {
        _scenario = await ResidentScenario.CreateAsync();
        _context = ResidentPageContext.Create(_scenario, _scenario.ResidentA);
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _scenario.Dispose();
    }

    private IRenderedComponent<Bunit.Rendering.ContainerFragment> RenderNotice(Guid? noticeId = null)
    {
        var page = _context.RenderWithProviders<NoticePage>((nameof(NoticePage.NoticeId), noticeId ?? _scenario.NoticeA.Id));
        page.WaitForElement("[data-testid=answer-panel]");
        return page;
    }

    private async Task<NoticeStatus> NoticeStatusAsync()
    {
        await using var db = _scenario.Database.CreateDbContext();
        return (await db.RequestNotices.SingleAsync(n => n.Id == _scenario.NoticeA.Id)).Status;
    }

    [Fact]
    public void NothingIsPreselected_NoClipNoContactFieldAndWatchOnlyFor30Days()
    {
        var page = RenderNotice();

        var clipChoices = page.FindAll("input[data-testid^=clip-select-]");
        Assert.Equal(2, clipChoices.Count);
        Assert.All(clipChoices, input => Assert.False(input.HasAttribute("checked"), "A clip was chosen for the resident."));
        Assert.All(page.FindAll("[data-testid^=reveal-] input"), input => Assert.False(input.HasAttribute("checked"), "A contact field was chosen for the resident."));
        Assert.True(page.Find("[data-testid=share-button]").HasAttribute("disabled"));
        Assert.Contains("Choose clips to share", page.Find("[data-testid=share-button]").TextContent);
    }

    [Fact]
    public void ShareDialog_NamesTheAgencyTheChosenClipAndWhenAccessEnds()
    {
        var page = RenderNotice();

        page.Find($"input[data-testid=clip-select-{_scenario.ClipA2.Id}]").Change(true);
        page.Find("[data-testid=share-button]").Click();

        var summary = page.WaitForElement("[data-testid=share-summary]").TextContent;
        var clock = ViewerClock.Utc;
        Assert.Contains("Harbour City Police", summary);
        Assert.Contains("case HC-77", summary);
        Assert.Contains($"Porch, {clock.ClipSpan(_scenario.ClipA2.RecordedStart, _scenario.ClipA2.RecordedEnd)}", summary);
        Assert.DoesNotContain(clock.ClipSpan(_scenario.ClipA1.RecordedStart, _scenario.ClipA1.RecordedEnd), summary);
        Assert.Contains($"until {clock.Moment(_scenario.Time.GetUtcNow().UtcDateTime.AddDays(30))}", summary);
        Assert.Contains("watch (not download)", summary);
        Assert.Contains("They will not learn who you are", summary);
    }

    [Fact]
    public async Task ConfirmingTheDialog_SharesTheClip_AndCancellingSharesNothing()
    {
        var page = RenderNotice();
        page.Find($"input[data-testid=clip-select-{_scenario.ClipA1.Id}]").Change(true);
        page.Find("[data-testid=share-button]").Click();
        page.WaitForElement("[data-testid=cancel-share]").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=share-summary]")));
        await using (var db = _scenario.Database.CreateDbContext())
        {
            Assert.Equal(0, await db.Disclosures.CountAsync());
        }

        page.Find("[data-testid=share-button]").Click();
        page.WaitForElement("[data-testid=confirm-share]").Click();

        page.WaitForElement($"[data-testid=clip-shared-{_scenario.ClipA1.Id}]");
        await using var after = _scenario.Database.CreateDbContext();
        Assert.Equal(_scenario.ClipA1.Id, (await after.Disclosures.SingleAsync()).ClipId);
        Assert.Equal(NoticeStatus.Shared, await NoticeStatusAsync());
    }

    [Fact]
    public async Task Decline_ClosesTheNotice()
    {
        var page = RenderNotice();

        page.Find("[data-testid=decline-button]").Click();

        page.WaitForAssertion(() => Assert.Contains("You declined this request", page.Find("[data-testid=notice-state]").TextContent));
        Assert.Equal(NoticeStatus.Declined, await NoticeStatusAsync());
        Assert.Empty(page.FindAll("[data-testid=decline-button]"));
        Assert.Empty(page.FindAll("input[data-testid^=clip-select-]"));
    }

    [Fact]
    public async Task Decline_SaysWhatHappened_OffersUndoForItsWindow_AndUndoReopensTheRequest()
    {
        var page = RenderNotice();
        // The block option comes before the button it changes, and the button says what it will do.
        var markup = page.Find("[data-testid=answer-panel]").InnerHtml;
        Assert.True(markup.IndexOf("data-testid=\"block-agency\"", StringComparison.Ordinal) < markup.IndexOf("data-testid=\"decline-button\"", StringComparison.Ordinal));
        page.Find("input[data-testid=block-agency]").Change(true);
        Assert.Equal("Decline and stop requests", page.Find("[data-testid=decline-button]").TextContent.Trim());

        page.Find("[data-testid=decline-button]").Click();

        var outcome = page.WaitForElement("[data-testid=answer-outcome]");
        Assert.Contains("You declined", outcome.TextContent);
        Assert.Contains("You will get no more requests from Harbour City Police", outcome.TextContent);
        Assert.Equal("/inbox", page.Find("[data-testid=back-to-inbox]").GetAttribute("href"));
        page.Find("[data-testid=undo-answer]").Click();
        page.WaitForElement("[data-testid=decline-button]");
        Assert.Empty(page.FindAll("[data-testid=answer-outcome]"));
        Assert.Equal(NoticeStatus.Pending, await NoticeStatusAsync());

        // Answered again, the Undo button goes away by itself when its window ends.
        page.Find("[data-testid=ignore-button]").Click();
        page.WaitForElement("[data-testid=undo-answer]");
        _scenario.Time.Advance(NoticeService.UndoWindow);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=undo-answer]")));
        Assert.Contains("You dismissed this request", page.Find("[data-testid=answer-outcome]").TextContent);
        Assert.Equal(NoticeStatus.Ignored, await NoticeStatusAsync());
    }

    [Fact]
    public void Sharing_ShowsWhatWasShared_AndLinksToTheDisclosures()
    {
        var page = RenderNotice();
        page.Find($"input[data-testid=clip-select-{_scenario.ClipA2.Id}]").Change(true);
        page.Find("[data-testid=share-button]").Click();
        page.WaitForElement("[data-testid=confirm-share]").Click();

        var outcome = page.WaitForElement("[data-testid=answer-outcome]");
        Assert.Contains("You shared 1 clip", outcome.TextContent);
        Assert.Equal("/disclosures", page.Find("[data-testid=see-disclosures]").GetAttribute("href"));
        Assert.Empty(page.FindAll("[data-testid=undo-answer]"));
    }

    [Fact]
    public async Task Ignore_ClosesTheNotice()
    {
        var page = RenderNotice();

        page.Find("[data-testid=ignore-button]").Click();

        page.WaitForAssertion(() => Assert.Contains("You dismissed this request", page.Find("[data-testid=notice-state]").TextContent));
        Assert.Equal(NoticeStatus.Ignored, await NoticeStatusAsync());
        Assert.Empty(page.FindAll("[data-testid=ignore-button]"));
    }

    [Fact]
    public void AnotherResidentsNotice_ShowsNotFound_AndNoAnswerControls()
    {
        var page = _context.RenderWithProviders<NoticePage>((nameof(NoticePage.NoticeId), _scenario.NoticeB.Id));

        page.WaitForElement("[data-testid=notice-missing]");
        Assert.Empty(page.FindAll("[data-testid=answer-panel]"));
        Assert.DoesNotContain("HC-77", page.Markup);
    }
}
