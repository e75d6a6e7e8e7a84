using System.Globalization;
using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Activities.Changes;

/// <summary>
/// Checks a change's planned window against the change schedule: other changes that overlap it on a shared
/// service, and blackout windows on all services or on one of its own; a window already over is a conflict too (it
/// needs a new one). Follows "Conflict" or "NoConflict";
/// the summary says what overlaps in a sentence a CAB can read. The schedule is the host's, through
/// <see cref="IChangeScheduleProvider"/>.
/// </summary>
public sealed class CheckChangeConflicts : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Itsm.CheckChangeConflicts",
        Category = "ITSM",
        DisplayName = "Check change conflicts",
        Description = "Checks a change's planned window against other changes on the same services and against blackout windows.",
        Inputs =
        [
            new InputDescriptor("change", "Object", "json-editor")
            {
                DisplayName = "Change",
                IsRequired = true,
                Description = "The change record: number (so it is not checked against itself), affectedServices [{ id, name }], plannedStart and plannedEnd.",
            },
            new InputDescriptor("ignoreBlackouts", "Boolean", "checkbox")
            {
                DisplayName = "Ignore blackout windows",
                DefaultValue = false,
                Description = "Check only against other changes, as for an emergency change allowed during a freeze.",
            },
        ],
        Outputs =
        [
            new OutputDescriptor("conflicts", "Object") { Description = "What overlaps: { changes: [{ number, title, services, serviceNames, start, end }], blackouts: [{ name, start, end, services }], windowPassed: true when the window is already over }." },
            new OutputDescriptor("summary", "String") { Description = "What overlaps, in one sentence, such as \"Overlaps CHG0001002 (Email upgrade) on Email, 2026-03-10 10:00–12:00 UTC.\" (times in the organisation's zone)" },
        ],
        Outcomes = ["NoConflict", "Conflict"],
    };

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var changeJson = context.Get("change");
        if (changeJson is null) return ActivityResult.Fault("Check change conflicts needs the change: an object with its number, affected services and planned window.");
        if (changeJson is not JsonObject changeObject) return ActivityResult.Fault($"Check change conflicts: the change must be an object, not {changeJson.ToJsonString()}.");
        ChangeRecord change;
        try
        {
            change = ChangeRecord.FromJson(changeObject);
        }
        catch (FormatException ex)
        {
            return ActivityResult.Fault($"Check change conflicts: {ex.Message}");
        }
        if (change.PlannedStart is not { } start || change.PlannedEnd is not { } end)
        {
            return ActivityResult.Fault($"Check change conflicts needs the planned window of {change.Number ?? "the change"}: both plannedStart and plannedEnd.");
        }
        if (end == start) return ActivityResult.Fault($"Check change conflicts: the planned window of {change.Number ?? "the change"} is empty (it ends when it starts, {start:O}).");

        var ignoreBlackouts = context.GetBool("ignoreBlackouts");
        var found = await context.Services.ChangeSchedule.FindConflictsAsync(
            new ChangeWindowQuery(change.Number, [.. change.AffectedServices.Select(s => s.Id)], start, end), cancellationToken);
        var conflicts = ignoreBlackouts ? found with { Blackouts = [] } : found;

        var names = change.AffectedServices.GroupBy(s => s.Id, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.OrdinalIgnoreCase);
        string NameOf(string id) => names.GetValueOrDefault(id) ?? id;
        // A window that is over (approved too late, say) cannot be implemented in: held for a new one, as an overlap is.
        var passed = end <= context.Now;
        var output = ToJson(conflicts, NameOf);
        output["windowPassed"] = passed;
        context.SetOutput("conflicts", output);
        var zone = context.Services.TimeZone;
        var summary = Summarise(conflicts, start, end, ignoreBlackouts, NameOf, zone);
        if (passed)
        {
            var overlaps = conflicts.IsEmpty ? "" : " It also " + char.ToLowerInvariant(summary[0]) + summary[1..];
            summary = $"The planned window ended {Expressions.DisplayTime.Format(end, zone)}, before the change could be scheduled: it needs a new window.{overlaps}";
        }
        context.SetOutput("summary", summary);
        return ActivityResult.Outcome(conflicts.IsEmpty && !passed ? "NoConflict" : "Conflict");
    }

    private static JsonObject ToJson(ChangeScheduleConflicts conflicts, Func<string, string> nameOf) => new()
    {
        ["changes"] = new JsonArray([.. conflicts.Changes.Select(c => (JsonNode?)new JsonObject
        {
            ["number"] = c.Number,
            ["title"] = c.Title,
            ["services"] = Strings(c.SharedServiceIds),
            ["serviceNames"] = Strings(c.SharedServiceIds.Select(nameOf)),
            ["start"] = c.Start.ToString("O", CultureInfo.InvariantCulture),
            ["end"] = c.End.ToString("O", CultureInfo.InvariantCulture),
        })]),
        ["blackouts"] = new JsonArray([.. conflicts.Blackouts.Select(b => (JsonNode?)new JsonObject
        {
            ["name"] = b.Name,
            ["start"] = b.Start.ToString("O", CultureInfo.InvariantCulture),
            ["end"] = b.End.ToString("O", CultureInfo.InvariantCulture),
            ["services"] = Strings(b.ServiceIds),
        })]),
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static string Summarise(ChangeScheduleConflicts conflicts, DateTimeOffset start, DateTimeOffset end, bool ignoreBlackouts, Func<string, string> nameOf, TimeZoneInfo zone)
    {
        if (conflicts.IsEmpty)
        {
            var window = Span(start, end, zone);
            return ignoreBlackouts
                ? $"No other change on the same services overlaps {window} (blackout windows not checked)."
                : $"No other change on the same services and no blackout window overlaps {window}.";
        }
        List<string> parts = [];
        foreach (var c in conflicts.Changes)
        {
            var title = string.IsNullOrWhiteSpace(c.Title) ? "" : $" ({c.Title})";
            parts.Add($"overlaps {c.Number}{title} on {string.Join(", ", c.SharedServiceIds.Select(nameOf))}, {Span(c.Start, c.End, zone)}");
        }
        foreach (var b in conflicts.Blackouts)
        {
            var scope = b.CoversAllServices ? "" : $" on {string.Join(", ", b.ServiceIds.Select(nameOf))}";
            parts.Add(b.Start <= start && end <= b.End
                ? $"inside blackout window {b.Name}{scope}"
                : $"overlaps blackout window {b.Name}{scope}, {Span(b.Start, b.End, zone)}");
        }
        var sentence = string.Join("; ", parts);
        return char.ToUpperInvariant(sentence[0]) + sentence[1..] + ".";
    }

    /// <summary>
    /// A window as people write it, dated (the sentence is read in emails and histories away from the change's own
    /// window), in the organisation's time zone and named after it ("2026-03-10 10:00–12:00 Europe/Berlin").
    /// </summary>
    private static string Span(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone) => Expressions.DisplayTime.FormatWindow(from, to, zone, shortSameDay: true);
}
