using ItsmWorkflows.Engine.Calendars;
using Xunit;

namespace ItsmWorkflows.Engine.Tests;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("00:15:00", false, "15 minutes")]
    [InlineData("04:00:00", false, "4 hours")]
    [InlineData("01:00:00", false, "1 hour")]
    [InlineData("3.00:00:00", false, "3 days")]
    [InlineData("1.16:00:00", false, "1 day 16 hours")]
    [InlineData("01:30:00", false, "1 hour 30 minutes")]
    [InlineData("1.16:00:00", true, "40 working hours")]
    [InlineData("04:00:00", true, "4 working hours")]
    [InlineData("00:30:00", true, "30 working minutes")]
    [InlineData("01:30:00", true, "1 hour 30 minutes of working time")]
    [InlineData("00:00:00", false, "0 minutes")]
    public void Describe_SaysItAsPeopleDo_WorkingTimeNeverInDays(string span, bool workingTime, string expected) =>
        Assert.Equal(expected, DurationText.Describe(TimeSpan.Parse(span, System.Globalization.CultureInfo.InvariantCulture), workingTime));

    [Fact]
    public void OnlyACalendarThatNeverStops_CountsPlainTime()
    {
        Assert.False(DurationText.IsWorkingTime(BusinessCalendar.AlwaysOpen));
        var nineToFive = new BusinessCalendar("office", TimeZoneInfo.Utc,
            new Dictionary<DayOfWeek, IReadOnlyList<WorkingHours>> { [DayOfWeek.Monday] = [new WorkingHours(TimeSpan.FromHours(9), TimeSpan.FromHours(17))] }, []);
        Assert.True(DurationText.IsWorkingTime(nineToFive));
    }
}
