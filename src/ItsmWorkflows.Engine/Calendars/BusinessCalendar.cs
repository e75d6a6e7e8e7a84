using System.Globalization;
using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Calendars;

/// <summary>A span of working time in a day, in local wall-clock time; End may be 24:00 (midnight at the end of the day).</summary>
public readonly record struct WorkingHours(TimeSpan Start, TimeSpan End);

/// <summary>
/// When a service desk works: hours per weekday in a time zone, minus holidays. Adds business time to an
/// instant (due dates of approvals, SLA targets) and measures business time between two instants, with
/// daylight-saving changes handled in the calendar's own zone: a nine-to-five day is eight hours on the
/// day the clocks change too.
/// </summary>
public sealed class BusinessCalendar
{
    /// <summary>The calendar that never stops.</summary>
    public static BusinessCalendar AlwaysOpen { get; } = new("24x7", TimeZoneInfo.Utc,
        Enum.GetValues<DayOfWeek>().ToDictionary(d => d, _ => (IReadOnlyList<WorkingHours>)[new WorkingHours(TimeSpan.Zero, TimeSpan.FromHours(24))]), []);

    private readonly Dictionary<DayOfWeek, IReadOnlyList<WorkingHours>> _hours;

    public BusinessCalendar(string name, TimeZoneInfo timeZone, IReadOnlyDictionary<DayOfWeek, IReadOnlyList<WorkingHours>> hours, IEnumerable<DateOnly> holidays)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(timeZone);
        ArgumentNullException.ThrowIfNull(hours);
        Name = name;
        TimeZone = timeZone;
        _hours = [];
        foreach (var (day, spans) in hours)
        {
            var ordered = spans.OrderBy(s => s.Start).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var s = ordered[i];
                if (s.Start < TimeSpan.Zero || s.End > TimeSpan.FromHours(24) || s.End <= s.Start)
                {
                    throw new ArgumentException($"Working hours {Format(s.Start)}-{Format(s.End)} on {day} are not a span within the day.", nameof(hours));
                }
                if (i > 0 && s.Start < ordered[i - 1].End) throw new ArgumentException($"Working hours on {day} overlap.", nameof(hours));
            }
            _hours[day] = ordered;
        }
        if (_hours.Values.All(h => h.Count == 0)) throw new ArgumentException($"Calendar '{name}' has no working hours.", nameof(hours));
        Holidays = new HashSet<DateOnly>(holidays);
    }

    public string Name { get; }

    public TimeZoneInfo TimeZone { get; }

    public IReadOnlySet<DateOnly> Holidays { get; }

    public IReadOnlyList<WorkingHours> HoursOn(DayOfWeek day) => _hours.GetValueOrDefault(day) ?? [];

    /// <summary>Every hour of every day, no holidays: its time is plain time, not working time ("4 hours", not "4 working hours").</summary>
    public bool IsAroundTheClock => Holidays.Count == 0 && Enum.GetValues<DayOfWeek>().All(d => HoursOn(d) is [{ Start.Ticks: 0 } only] && only.End == TimeSpan.FromHours(24));

    /// <summary>The instant when <paramref name="duration"/> of working time has passed after <paramref name="start"/>.</summary>
    public DateTimeOffset Add(DateTimeOffset start, TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), "Business time cannot be negative.");
        var remaining = duration;
        foreach (var (from, to) in Spans(start))
        {
            var cursor = from > start ? from : start;
            if (cursor >= to) continue;
            var available = to - cursor;
            if (remaining <= available) return cursor + remaining;
            remaining -= available;
        }
        throw new InvalidOperationException($"Calendar '{Name}' has no working time in the ten years after {start:O}.");
    }

    /// <summary>Working time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to)
    {
        var total = TimeSpan.Zero;
        if (to <= from) return total;
        foreach (var (spanStart, spanEnd) in Spans(from))
        {
            if (spanStart >= to) break;
            var s = spanStart > from ? spanStart : from;
            var e = spanEnd < to ? spanEnd : to;
            if (e > s) total += e - s;
        }
        return total;
    }

    /// <summary>Whether <paramref name="instant"/> falls in working time.</summary>
    public bool IsWorking(DateTimeOffset instant) => Spans(instant).Take(1).Any(s => s.From <= instant && instant < s.To);

    /// <summary>The working spans as UTC instants, in order, from the local day of <paramref name="start"/> on (at most ten years).</summary>
    private IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Spans(DateTimeOffset start)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, TimeZone).DateTime);
        for (var i = 0; i < 3660; i++, day = day.AddDays(1))
        {
            if (Holidays.Contains(day)) continue;
            foreach (var span in HoursOn(day.DayOfWeek))
            {
                var from = ToInstant(day, span.Start);
                var to = ToInstant(day, span.End);
                if (to > from) yield return (from, to);
            }
        }
    }

    /// <summary>A local wall-clock time of a day as an instant: a time skipped by a clock change moves to the change, a repeated one takes its first occurrence.</summary>
    private DateTimeOffset ToInstant(DateOnly day, TimeSpan time)
    {
        var local = day.ToDateTime(TimeOnly.MinValue).Add(time);
        if (TimeZone.IsInvalidTime(local))
        {
            // In the gap of a spring-forward: the first valid minute after it.
            var probe = local;
            while (TimeZone.IsInvalidTime(probe)) probe = probe.AddMinutes(1);
            local = probe;
        }
        var offset = TimeZone.IsAmbiguousTime(local) ? TimeZone.GetAmbiguousTimeOffsets(local).Max() : TimeZone.GetUtcOffset(local);
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset).ToUniversalTime();
    }

    private static string Format(TimeSpan time) => time == TimeSpan.FromHours(24) ? "24:00" : time.ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    /// <summary>
    /// { "name", "timeZone": "Europe/London", "hours": { "monday": ["09:00-17:30"], ... }, "holidays": ["2026-12-25"] }.
    /// Throws <see cref="FormatException"/> with a message a person can act on.
    /// </summary>
    public static BusinessCalendar FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var name = json["name"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(name)) throw new FormatException("A calendar needs a name.");
        var zoneId = json["timeZone"]?.GetValue<string>() ?? "UTC";
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        }
        catch (TimeZoneNotFoundException)
        {
            throw new FormatException($"Time zone '{zoneId}' is unknown; use an IANA name such as Europe/London.");
        }
        var hours = new Dictionary<DayOfWeek, IReadOnlyList<WorkingHours>>();
        if (json["hours"] is not JsonObject week) throw new FormatException("A calendar needs 'hours': working hours per weekday, such as { \"monday\": [\"09:00-17:30\"] }.");
        foreach (var (dayName, spans) in week)
        {
            if (!Enum.TryParse<DayOfWeek>(dayName, ignoreCase: true, out var day)) throw new FormatException($"'{dayName}' is not a weekday.");
            var list = new List<WorkingHours>();
            foreach (var span in spans?.AsArray() ?? [])
            {
                var text = span?.GetValue<string>() ?? "";
                var parts = text.Split('-', StringSplitOptions.TrimEntries);
                if (parts.Length != 2 || !TryTime(parts[0], out var s) || !TryTime(parts[1], out var e))
                {
                    throw new FormatException($"'{text}' on {dayName} is not a span such as 09:00-17:30.");
                }
                list.Add(new WorkingHours(s, e));
            }
            hours[day] = list;
        }
        var holidays = new List<DateOnly>();
        foreach (var h in json["holidays"]?.AsArray() ?? [])
        {
            if (!DateOnly.TryParseExact(h?.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new FormatException($"Holiday '{h}' is not a date such as 2026-12-25.");
            }
            holidays.Add(date);
        }
        try
        {
            return new BusinessCalendar(name, zone, hours, holidays);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message.Split(" (Parameter", 2)[0], ex);
        }
    }

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["timeZone"] = TimeZone.Id,
        ["hours"] = new JsonObject(_hours.OrderBy(h => ((int)h.Key + 6) % 7).Select(h => new KeyValuePair<string, JsonNode?>(
            h.Key.ToString().ToLowerInvariant(), new JsonArray([.. h.Value.Select(s => (JsonNode?)JsonValue.Create($"{Format(s.Start)}-{Format(s.End)}"))])))),
        ["holidays"] = new JsonArray([.. Holidays.Order().Select(d => (JsonNode?)JsonValue.Create(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))]),
    };

    private static bool TryTime(string text, out TimeSpan time)
    {
        if (text == "24:00")
        {
            time = TimeSpan.FromHours(24);
            return true;
        }
        var ok = TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t);
        time = ok ? t.ToTimeSpan() : default;
        return ok;
    }
}

/// <summary>Port: business calendars by name. The engine on its own knows only "24x7".</summary>
public interface IBusinessCalendarProvider
{
    ValueTask<BusinessCalendar?> FindAsync(string name, CancellationToken cancellationToken);
}

/// <summary>Calendars held in memory (tests, the conformance command); always knows "24x7".</summary>
public sealed class InMemoryCalendarProvider : IBusinessCalendarProvider
{
    private readonly Dictionary<string, BusinessCalendar> _calendars = new(StringComparer.OrdinalIgnoreCase) { [BusinessCalendar.AlwaysOpen.Name] = BusinessCalendar.AlwaysOpen };

    public InMemoryCalendarProvider Add(BusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        _calendars[calendar.Name] = calendar;
        return this;
    }

    public ValueTask<BusinessCalendar?> FindAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(_calendars.GetValueOrDefault(name));
}
