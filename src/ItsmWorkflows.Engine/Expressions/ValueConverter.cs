using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// Converts values to the closed set of type names the format uses (String, Int32, Boolean, TimeSpan,
/// Object, String[] …). Values stay JSON so instance state is always serializable. A CLR type name in
/// a definition (for example Elsa's enum type names) is only read for its short name; nothing is loaded.
/// </summary>
public static class ValueConverter
{
    /// <summary>The short type name: <c>System.Net.HttpStatusCode, System.Net.Primitives</c> becomes <c>HttpStatusCode</c>.</summary>
    public static string ShortTypeName(string? typeName)
    {
        if (string.IsNullOrEmpty(typeName)) return "Object";
        var comma = typeName.IndexOf(',', StringComparison.Ordinal);
        var name = comma >= 0 ? typeName[..comma] : typeName;
        var generic = name.IndexOf('<', StringComparison.Ordinal);
        var dot = name.LastIndexOf('.', generic >= 0 ? generic : name.Length - 1);
        return dot >= 0 ? name[(dot + 1)..] : name;
    }

    public static bool IsCollectionType(string shortName) =>
        shortName.EndsWith("[]", StringComparison.Ordinal)
        || shortName.StartsWith("List<", StringComparison.Ordinal)
        || shortName.StartsWith("IEnumerable<", StringComparison.Ordinal)
        || shortName.StartsWith("ICollection<", StringComparison.Ordinal)
        || shortName.StartsWith("IList<", StringComparison.Ordinal)
        || shortName.StartsWith("HashSet<", StringComparison.Ordinal);

    /// <summary>Converts a literal or evaluated value to the named type; throws <see cref="FormatException"/> with a readable message when it cannot.</summary>
    public static JsonNode? Convert(JsonNode? value, string? typeName)
    {
        var shortName = ShortTypeName(typeName);
        if (value is null) return null;
        switch (shortName)
        {
            case "String":
                return value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? value : JsonValue.Create(ToText(value));
            case "Int32" or "Int64" or "Int16" or "Byte" or "Long" or "Integer":
                return JsonValue.Create(ToLong(value));
            case "Double" or "Single" or "Decimal" or "Float" or "Number":
                return JsonValue.Create(ToDouble(value));
            case "Boolean" or "Bool":
                return JsonValue.Create(ToBool(value));
            case "TimeSpan":
                return JsonValue.Create(ToTimeSpan(value).ToString("c", CultureInfo.InvariantCulture));
            case "DateTime" or "DateTimeOffset":
                return JsonValue.Create(ToDateTimeOffset(value).ToString("O", CultureInfo.InvariantCulture));
            case "Object" or "ExpandoObject" or "JsonObject" or "JsonNode" or "IDictionary<String, Object>" or "Dictionary<String, Object>":
                return ParseIfJsonText(value, objectsOnly: true);
            default:
                if (IsCollectionType(shortName)) return ToArray(value);
                return value;
        }
    }

    public static string? ToText(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => FormatNumber(v),
        _ => value.ToJsonString(),
    };

    private static string FormatNumber(JsonValue v) =>
        v.TryGetValue<long>(out var l) ? l.ToString(CultureInfo.InvariantCulture)
        : v.TryGetValue<int>(out var i) ? i.ToString(CultureInfo.InvariantCulture)
        : v.GetValue<double>() is var d && d == Math.Floor(d) && Math.Abs(d) < 1e15 ? ((long)d).ToString(CultureInfo.InvariantCulture)
        : v.GetValue<double>().ToString("R", CultureInfo.InvariantCulture);

    public static long ToLong(JsonNode? value)
    {
        switch (value)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                if (v.TryGetValue<long>(out var l)) return l;
                if (v.TryGetValue<int>(out var i)) return i;
                return (long)v.GetValue<double>();
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = v.GetValue<string>().Trim();
                if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)) return parsed;
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return (long)d;
                throw new FormatException($"'{s}' is not a whole number.");
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return v.GetValueKind() == JsonValueKind.True ? 1 : 0;
            case null:
                return 0;
            default:
                throw new FormatException($"{value.ToJsonString()} is not a whole number.");
        }
    }

    public static double ToDouble(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.TryGetValue<double>(out var d) ? d : double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture), // an int-typed value refuses GetValue<long>
        JsonValue v when v.GetValueKind() == JsonValueKind.String =>
            double.TryParse(v.GetValue<string>().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
            : throw new FormatException($"'{v.GetValue<string>()}' is not a number."),
        null => 0,
        _ => throw new FormatException($"{value.ToJsonString()} is not a number."),
    };

    /// <summary>JavaScript-like truthiness for conditions, with the strings "true"/"false" read as booleans.</summary>
    public static bool ToBool(JsonNode? value) => value switch
    {
        null => false,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => ToDouble(v) != 0,
            JsonValueKind.String => v.GetValue<string>().Trim() switch
            {
                var s when s.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
                var s when s.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
                "" => false,
                "0" => false,
                _ => true,
            },
            _ => false,
        },
        _ => true,
    };

    public static TimeSpan ToTimeSpan(JsonNode? value)
    {
        switch (value)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = v.GetValue<string>().Trim();
                if (TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var ts)) return ts;
                if (s.StartsWith('P') || s.StartsWith("-P", StringComparison.Ordinal))
                {
                    try { return System.Xml.XmlConvert.ToTimeSpan(s); }
                    catch (FormatException) { }
                }
                throw new FormatException($"'{s}' is not a duration; write it as d.hh:mm:ss (for example 00:05:00 or 3.00:00:00) or ISO 8601 (PT5M).");
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                return TimeSpan.FromMilliseconds(ToDouble(v));
            case null:
                return TimeSpan.Zero;
            default:
                throw new FormatException($"{value.ToJsonString()} is not a duration.");
        }
    }

    public static DateTimeOffset ToDateTimeOffset(JsonNode? value)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String
            && DateTimeOffset.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed;
        }
        if (value is JsonValue n && n.GetValueKind() == JsonValueKind.Number)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ToLong(n));
        }
        throw new FormatException($"{value?.ToJsonString() ?? "null"} is not a date and time; write it as ISO 8601, for example 2026-01-31T09:00:00Z.");
    }

    public static JsonArray ToArray(JsonNode? value)
    {
        switch (value)
        {
            case JsonArray a:
                return a;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = v.GetValue<string>().Trim();
                if (s.StartsWith('['))
                {
                    try
                    {
                        if (JsonNode.Parse(s) is JsonArray parsed) return parsed;
                    }
                    catch (JsonException) { }
                }
                if (s.Length == 0) return [];
                // A comma- or newline-separated list, as people type branch names into a text box.
                return new JsonArray([.. s.Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => (JsonNode)JsonValue.Create(x))]);
            case null:
                return [];
            default:
                return [value.DeepClone()];
        }
    }

    private static JsonNode? ParseIfJsonText(JsonNode value, bool objectsOnly)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var s = v.GetValue<string>().TrimStart();
            if (s.StartsWith('{') || (!objectsOnly && s.StartsWith('[')))
            {
                try
                {
                    return JsonNode.Parse(s);
                }
                catch (JsonException)
                {
                    return value;
                }
            }
        }
        return value;
    }

    /// <summary>Reads a string list from a value: a JSON array, JSON array text, or comma-separated text.</summary>
    public static IReadOnlyList<string> ToStringList(JsonNode? value) =>
        [.. ToArray(value).Select(ToText).Where(s => s is not null).Select(s => s!)];

    /// <summary>A copy that can be attached to a new parent node.</summary>
    public static JsonNode? Detached(JsonNode? value) => value?.DeepClone();
}
