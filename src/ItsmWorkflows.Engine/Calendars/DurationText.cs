using System.Globalization;

namespace ItsmWorkflows.Engine.Calendars;

/// <summary>
/// A target as people write it: "15 minutes", "4 hours", "3 days", "1 day 16 hours" on a calendar that never stops;
/// on a working calendar "4 working hours", "40 working hours" — never days, whose length such a calendar varies
/// (a working day of 8 hours is not the 24 that "1.16:00:00" counts).
/// </summary>
public static class DurationText
{
    public static string Describe(TimeSpan span, bool workingTime)
    {
        if (span < TimeSpan.Zero) return "minus " + Describe(span.Negate(), workingTime);
        if (span > TimeSpan.Zero && span < TimeSpan.FromMinutes(1)) return Count((long)Math.Ceiling(span.TotalSeconds), workingTime ? "working second" : "second");
        var minutes = (long)Math.Round(span.TotalMinutes, MidpointRounding.AwayFromZero);
        if (workingTime)
        {
            var (hours, rest) = (minutes / 60, minutes % 60);
            if (rest == 0) return Count(hours, "working hour");
            if (hours == 0) return Count(rest, "working minute");
            return $"{Count(hours, "hour")} {Count(rest, "minute")} of working time";
        }
        var parts = new[] { (minutes / 1440, "day"), (minutes % 1440 / 60, "hour"), (minutes % 60, "minute") }
            .Where(p => p.Item1 > 0).Select(p => Count(p.Item1, p.Item2)).ToList();
        return parts.Count == 0 ? "0 minutes" : string.Join(' ', parts);
    }

    /// <summary>Whether a calendar's time is all time (no working hours to say "working" about): "24x7" and any like it.</summary>
    public static bool IsWorkingTime(BusinessCalendar? calendar) => calendar is null || !calendar.IsAroundTheClock;

    private static string Count(long n, string unit) => string.Create(CultureInfo.InvariantCulture, $"{n} {unit}{(n == 1 ? "" : "s")}");
}
