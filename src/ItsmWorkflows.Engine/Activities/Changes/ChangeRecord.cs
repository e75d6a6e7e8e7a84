using System.Text.Json;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Expressions;

namespace ItsmWorkflows.Engine.Activities.Changes;

/// <summary>The fields of a change record that the change activities read, taken from the JSON a workflow passes in.</summary>
/// <param name="Type">"standard", "normal" or "emergency"; "normal" when the record does not say.</param>
/// <param name="Impact">1 (high) to 3 (low), or null when the record does not say.</param>
public sealed record ChangeRecord(
    string? Number,
    string Type,
    IReadOnlyList<AffectedService> AffectedServices,
    DateTimeOffset? PlannedStart,
    DateTimeOffset? PlannedEnd,
    string? BackoutPlan,
    string? TestPlan,
    string? ImplementationPlan,
    int? Impact)
{
    private static readonly string[] Types = ["standard", "normal", "emergency"];

    private static readonly string[] Criticalities = ["low", "medium", "high", "critical"];

    /// <summary>
    /// Reads a change. A value no rule understands (an unknown type or criticality, a date that is not one)
    /// throws <see cref="FormatException"/> naming the field: guessing would hide risk.
    /// </summary>
    public static ChangeRecord FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var type = Text(json, "type")?.ToLowerInvariant() ?? "normal";
        if (!Types.Contains(type)) throw new FormatException($"type '{type}' is not one of {string.Join(", ", Types)}.");
        var start = Date(json, "plannedStart");
        var end = Date(json, "plannedEnd");
        if (start is { } s && end is { } e && e < s) throw new FormatException($"the planned end ({e:O}) is before the planned start ({s:O}).");
        return new ChangeRecord(
            Text(json, "number"), type, ServicesOf(json["affectedServices"]), start, end,
            Text(json, "backoutPlan"), Text(json, "testPlan"), Text(json, "implementationPlan"), ImpactOf(json["impact"]));
    }

    /// <summary>The planned window's length, when both ends are known.</summary>
    public TimeSpan? Window => PlannedStart is { } s && PlannedEnd is { } e ? e - s : null;

    private static string? Text(JsonObject json, string name) => ValueConverter.ToText(json[name]) is { } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    private static DateTimeOffset? Date(JsonObject json, string name)
    {
        if (json[name] is null || (json[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(v.GetValue<string>()))) return null;
        try
        {
            return ValueConverter.ToDateTimeOffset(json[name]);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{name}: {ex.Message}", ex);
        }
    }

    private static int? ImpactOf(JsonNode? value)
    {
        if (value is null || ValueConverter.ToText(value) is not { Length: > 0 } text) return null;
        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var impact) && impact is >= 1 and <= 3
            ? impact
            : throw new FormatException($"impact '{text}' is not 1 (high), 2 (medium) or 3 (low).");
    }

    private static List<AffectedService> ServicesOf(JsonNode? value)
    {
        if (value is null) return [];
        if (value is not JsonArray array) throw new FormatException("affectedServices must be a list of services ({ id, name, criticality }).");
        List<AffectedService> services = [];
        for (var i = 0; i < array.Count; i++)
        {
            switch (array[i])
            {
                case JsonObject service:
                    var id = Text(service, "id");
                    var name = Text(service, "name");
                    if (id is null && name is null) throw new FormatException($"affectedServices[{i}] has neither an id nor a name.");
                    var criticality = Text(service, "criticality")?.ToLowerInvariant();
                    if (criticality is not null && !Criticalities.Contains(criticality))
                    {
                        throw new FormatException($"affectedServices[{i}] ({name ?? id}): criticality '{criticality}' is not one of {string.Join(", ", Criticalities)}.");
                    }
                    services.Add(new AffectedService(id ?? name!, name ?? id!, criticality));
                    break;
                // A bare name or id is accepted: some callers only have the service's name at hand.
                case JsonValue bare when ValueConverter.ToText(bare) is { Length: > 0 } text:
                    services.Add(new AffectedService(text, text, null));
                    break;
                default:
                    throw new FormatException($"affectedServices[{i}] is not a service ({{ id, name, criticality }}).");
            }
        }
        return services;
    }
}
