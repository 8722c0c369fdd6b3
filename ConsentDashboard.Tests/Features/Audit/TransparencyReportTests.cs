using ConsentDashboard.Data;
using ConsentDashboard.Features.Audit;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Tests.Support;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Tests.Features.Audit;

public sealed class SmallCountSuppressionTests
{
    private const int Threshold = 11;

    [Theory]
    [InlineData(0, false, "0")]
    [InlineData(1, true, "< 11")]
    [InlineData(Threshold - 1, true, "< 11")]
    [InlineData(Threshold, false, "11")]
    [InlineData(250, false, "250")]
    public void ASingleCount_IsHiddenExactlyWhenItIsNonZeroAndBelowTheThreshold(long count, bool hidden, string shown)
    {
        var result = SmallCountSuppression.Suppress(new long[,] { { count } }, Threshold, []);

        Assert.Equal(hidden, result[0, 0]);
        Assert.Equal(shown, SmallCountSuppression.Display(count, result[0, 0], Threshold));
    }

    [Fact]
    public void AHiddenCellInAPublishedSum_HidesTheSmallestOtherPart_SoTheTotalCannotRevealIt()
    {
        // One row: parts 40, 3, 0, 25 adding up to 68. Only 3 is small; published alone with the total it would be 68 − 40 − 0 − 25.
        var counts = new long[,] { { 40, 3, 0, 25, 68 } };
        var sum = new SumRelation([(0, 0), (0, 1), (0, 2), (0, 3)], (0, 4));

        var hidden = SmallCountSuppression.Suppress(counts, Threshold, [sum]);

        Assert.Equal([false, true, false, true, false], Enumerable.Range(0, 5).Select(c => hidden[0, c]));
    }

    [Fact]
    public void ASmallMonth_HidesAnotherMonth_SoTheYearTotalCannotRevealIt()
    {
        // A column: January 3, February 50, March 20, year 73.
        var counts = new long[,] { { 3 }, { 50 }, { 20 }, { 73 } };
        var year = new SumRelation([(0, 0), (1, 0), (2, 0)], (3, 0));

        var hidden = SmallCountSuppression.Suppress(counts, Threshold, [year]);

        Assert.Equal([true, false, true, false], Enumerable.Range(0, 4).Select(r => hidden[r, 0]));
    }

    [Fact]
    public void RandomReports_NeverLeaveAPublishedSumWithASingleHiddenCell()
    {
        var random = new Random(11);
        var relations = TransparencyReportService.Relations();
        for (var trial = 0; trial < 300; trial++)
        {
            var counts = new long[13, TransparencyReportService.Columns.Length];
            for (var month = 0; month < 12; month++)
            {
                for (var column = 0; column < counts.GetLength(1); column++)
                {
                    counts[month, column] = random.Next(4) == 0 ? 0 : random.Next(1, 40);
                }

                counts[month, 2] = counts[month, 5] + counts[month, 6] + counts[month, 7] + counts[month, 8] + counts[month, 9];
            }

            foreach (var column in new[] { 0, 1, 2, 3, 4, 5, 6, 7 })
            {
                counts[12, column] = Enumerable.Range(0, 12).Sum(m => counts[m, column]);
            }

            var hidden = SmallCountSuppression.Suppress(counts, Threshold, relations);

            for (var month = 0; month < 13; month++)
            {
                for (var column = 0; column < counts.GetLength(1); column++)
                {
                    Assert.True(!(counts[month, column] is > 0 and < Threshold) || hidden[month, column], "A small count was published.");
                }
            }

            Assert.All(relations, relation =>
                Assert.NotEqual(1, relation.Parts.Append(relation.Total).Count(cell => hidden[cell.Row, cell.Column])));
        }
    }
}

public sealed class TransparencyReportServiceTests : IAsyncLifetime
{
    private AuditWorld _world = null!;
    private TransparencyReportService _reports = null!;
    private int _agencyId;

    public async ValueTask InitializeAsync()
    {
        _world = await AuditWorld.CreateAsync(0);
        _reports = _world.Database.Get<TransparencyReportService>();
        _agencyId = _world.Agencies[0].Id;
        await using var db = _world.Database.CreateDbContext();
        await _world.AuditLog.WriteAsync(async (db, audit, _) =>
        {
            // March: 12 requests notifying 5 each, 30 clips by consent from 14 residents, 2 by warrant, 1 revocation.
            _world.Time.SetUtcNow(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
            for (var i = 0; i < 12; i++)
            {
                await audit.AppendAsync("user:officer", $"request:{i}", SampleEvents.Request(_agencyId, "M", notified: 5));
            }

            for (var i = 0; i < 32; i++)
            {
                var resident = $"resident-{i % 14}";
                await audit.AppendAsync($"user:{resident}", $"disclosure:{i}",
                    SampleEvents.Disclosure(_agencyId, "M", i < 30 ? LegalBasis.Consent : LegalBasis.Warrant, resident));
            }

            await audit.AppendAsync("user:resident-1", "disclosure:1", SampleEvents.Revocation(_agencyId, null, LegalBasis.Consent, "resident-1"));
            // Another agency's activity never appears in this agency's report.
            await audit.AppendAsync("user:officer", "request:x", SampleEvents.Request(_world.Agencies[1].Id, "X", notified: 99));
        });
    }

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task March_CountsWhatHappened_AndHidesSmallNumbersAndWhatWouldRevealThem()
    {
        var report = (await _reports.BuildAsync(_world.Auditor, _agencyId, 2026))!;

        const int march = 2;
        Assert.Equal(["12", "60", "32", "14"], Enumerable.Range(0, 4).Select(c => report.Cell(march, c)));
        Assert.Equal("< 11", report.Cell(march, 4));
        // Warrant (2) is small; consent (30) is hidden with it so that clips − consent cannot reveal it.
        Assert.Equal(["< 11", "< 11", "0"], Enumerable.Range(5, 3).Select(c => report.Cell(march, c)));
        Assert.Equal("0", report.Cell(0, 0));
        Assert.DoesNotContain(TransparencyReportService.Columns, c => c.Contains("Declin", StringComparison.OrdinalIgnoreCase) || c.Contains("Ignor", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task April_CountsReviewsAndLegalDemands_WithTheMedianDelayOnlyOverEnoughDelayedNotices()
    {
        await _world.AuditLog.WriteAsync(async (db, audit, _) =>
        {
            // April: 12 requests filed for review, 12 approved notifying 3 each, 12 rejected, 12 warrants of which 11 delayed 10..20 days.
            var at = new DateTime(2026, 4, 10, 12, 0, 0, DateTimeKind.Utc);
            _world.Time.SetUtcNow(at);
            for (var i = 0; i < 12; i++)
            {
                await audit.AppendAsync("user:officer", $"request:a{i}", SampleEvents.Request(_agencyId, "A") with { AwaitingReview = true });
                await audit.AppendAsync("user:reviewer", $"request:a{i}", new RequestApproved(_agencyId, "A", at.AddDays(7), 3));
                await audit.AppendAsync("user:reviewer", $"request:r{i}", new RequestRejected(_agencyId, "R", "Too wide an area."));
                await audit.AppendAsync("user:admin", $"legal-demand:{i}", new LegalDemandRecorded(_agencyId, Guid.NewGuid(), LegalBasis.Warrant, "Court",
                    $"W-{i}", at.Date, new string('b', 64), "", at.AddDays(-1), at, 1, false, at.AddDays(30), i < 11 ? at.AddDays(10 + i) : at,
                    i < 11 ? "Covert investigation." : null, $"resident-{i}"));
            }

        });

        var report = (await _reports.BuildAsync(_world.Auditor, _agencyId, 2026))!;
        const int april = 3;
        var column = (string name) => Array.IndexOf(TransparencyReportService.Columns, name);
        Assert.Equal("12", report.Cell(april, column("Requests filed")));
        Assert.Equal("36", report.Cell(april, column("Residents notified")));
        Assert.Equal("12", report.Cell(april, column("Requests rejected")));
        Assert.Equal("12", report.Cell(april, column("Legal demands")));
        Assert.Equal("11", report.Cell(april, column("Delayed notices")));
        Assert.Equal("15 days (over 11 delayed notices).", report.MedianNoticeDelay);

        Assert.Equal("Not published: fewer than 11 notices were delayed.", TransparencyReportService.MedianDelay([3, 4, 90], 11));
        Assert.Equal("No notice was delayed.", TransparencyReportService.MedianDelay([], 11));
    }

    [Fact]
    public async Task ViewingAReport_IsLogged()
    {
        await _reports.BuildAsync(_world.Auditor, _agencyId, 2026);

        Assert.Contains(await _world.AllEntriesAsync(), e => e.Action == nameof(ReportViewed) && e.Actor == $"user:{_world.AuditorId}");
    }
}
