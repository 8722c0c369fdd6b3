using ConsentDashboard.Infrastructure;

namespace ConsentDashboard.Tests.Infrastructure;

public sealed class ViewerClockTests
{
    private static readonly DateTime Winter = new(2026, 1, 15, 21, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Summer = new(2026, 7, 15, 21, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("America/Detroit", "15 Jan 2026, 16:00 UTC\u22125", "15 Jul 2026, 17:00 UTC\u22124")]
    [InlineData("Asia/Kolkata", "16 Jan 2026, 02:30 UTC+5:30", "16 Jul 2026, 02:30 UTC+5:30")]
    [InlineData("Europe/London", "15 Jan 2026, 21:00 UTC", "15 Jul 2026, 22:00 UTC+1")]
    [InlineData(null, "15 Jan 2026, 21:00 UTC", "15 Jul 2026, 21:00 UTC")]
    public void EveryTime_SaysWhichZoneItIsIn_WithTheOffsetOfThatDay(string? zone, string winter, string summer)
    {
        var clock = ViewerClock.FromZoneId(zone);

        Assert.Equal(winter, clock.Moment(Winter));
        Assert.Equal(summer, clock.Moment(Summer));
        Assert.EndsWith(clock.ZoneAt(Winter), clock.Window(Winter, Winter.AddHours(2)));
        Assert.EndsWith(clock.ZoneAt(Summer), clock.ClipSpan(Summer, Summer.AddSeconds(8)));
    }
}
