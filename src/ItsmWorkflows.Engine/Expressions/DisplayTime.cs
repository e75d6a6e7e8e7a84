using System.Globalization;
using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// Times as people read them in emails and histories: in the organisation's time zone, named after the time
/// ("2026-12-05 11:00 Europe/Berlin"; "… UTC" where the zone is UTC), so nobody converts from UTC in their head and
/// nobody mistakes whose clock it is.
/// </summary>
public static class DisplayTime
{
    public static string Format(DateTimeOffset at, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        // The hour the clocks go back happens twice: the offset tells the two apart.
        var offset = zone.IsAmbiguousTime(local) ? " (UTC" + local.ToString("zzz", CultureInfo.InvariantCulture) + ")" : "";
        return local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + offset + " " + Name(zone);
    }

    /// <summary>
    /// A window: both ends in the zone, the zone named once ("2026-12-05 10:00–2026-12-05 12:00 UTC"); with
    /// <paramref name="shortSameDay"/>, an end on the start's day gives its time only ("2026-12-05 10:00–12:00 UTC").
    /// </summary>
    public static string FormatWindow(DateTimeOffset start, DateTimeOffset end, TimeZoneInfo zone, bool shortSameDay = false)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var from = TimeZoneInfo.ConvertTime(start, zone);
        var to = TimeZoneInfo.ConvertTime(end, zone);
        var endFormat = shortSameDay && from.Date == to.Date ? "HH:mm" : "yyyy-MM-dd HH:mm";
        return from.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + "–" + to.ToString(endFormat, CultureInfo.InvariantCulture) + " " + Name(zone);
    }

    /// <summary>"UTC" for UTC under any of its names, else the zone's id (IANA on Linux).</summary>
    public static string Name(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return zone.Id is "UTC" or "Etc/UTC" or "Etc/Universal" or "Universal" or "Zulu" or "Coordinated Universal Time" ? "UTC" : zone.Id;
    }

    /// <summary>A time given as text (ISO 8601 with an offset, or UTC when it has none), or null when it is not one.</summary>
    public static DateTimeOffset? Parse(string? text) =>
        text is { Length: > 0 } && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    /// <summary>A time held in JSON (text or a date), or null.</summary>
    public static DateTimeOffset? Parse(JsonNode? node) =>
        // Text goes through the text rule (UTC when it has no offset); JSON's own date reading would take the machine's zone.
        node is JsonValue v && !v.TryGetValue<string>(out _) && v.TryGetValue<DateTimeOffset>(out var at) ? at : Parse(node?.ToString());
}
