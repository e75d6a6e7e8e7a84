using System.Text.Json;
using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Definitions;

/// <summary>
/// One activity of a definition. Inputs and outputs stay as the JSON the format gives them
/// (<c>{typeName, expression:{type,value}}</c> flattened onto the activity) so that an unknown
/// activity type or an unknown property survives a read and a write unchanged.
/// </summary>
public sealed class ActivityNode
{
    /// <summary>Property names this model holds outside <see cref="Properties"/>.</summary>
    internal static readonly HashSet<string> StructuralKeys = new(StringComparer.Ordinal)
    {
        "id", "type", "version", "name", "activities", "connections",
    };

    public string Id { get; set; } = "";

    public string Type { get; set; } = "";

    /// <summary>The activity type's version (Elsa's <c>version</c> on an activity).</summary>
    public int TypeVersion { get; set; } = 1;

    public string? Name { get; set; }

    /// <summary>Every other property: inputs, outputs, metadata, customProperties, unknown ones.</summary>
    public JsonObject Properties { get; } = [];

    /// <summary>Child activities of a Flowchart or a Sequence (the <c>activities</c> array); null when absent.</summary>
    public List<ActivityNode>? Activities { get; set; }

    /// <summary>Flowchart connections; null when the activity has none in its JSON.</summary>
    public List<Connection>? Connections { get; set; }

    /// <summary>Activities held by a single property, such as <c>body</c>, <c>then</c> or <c>else</c>.</summary>
    public Dictionary<string, ActivityNode> Slots { get; } = new(StringComparer.Ordinal);

    /// <summary>Lists of activities held by a property other than <c>activities</c>, such as Fork's <c>branches</c>.</summary>
    public Dictionary<string, List<ActivityNode>> ListSlots { get; } = new(StringComparer.Ordinal);

    /// <summary>Original property order, so that a written file reads like the one that was read.</summary>
    internal List<string> KeyOrder { get; } = [];

    /// <summary>The name shown to people: the explicit name, else the designer's display text, else the id.</summary>
    public string DisplayName => Name ?? Metadata?["displayText"]?.GetValue<string>() ?? Id;

    public JsonObject? Metadata => Properties["metadata"] as JsonObject;

    public JsonObject? CustomProperties => Properties["customProperties"] as JsonObject;

    /// <summary>The designer position (<c>metadata.designer.position</c>), when present.</summary>
    public (double X, double Y)? Position
    {
        get
        {
            var position = Metadata?["designer"]?["position"];
            if (position is not JsonObject p || p["x"] is not JsonValue x || p["y"] is not JsonValue y) return null;
            return (Expressions.ValueConverter.NumberOf(x), Expressions.ValueConverter.NumberOf(y));
        }
        set
        {
            var metadata = Metadata ?? (JsonObject)(Properties["metadata"] = new JsonObject());
            var designer = metadata["designer"] as JsonObject ?? (JsonObject)(metadata["designer"] = new JsonObject());
            designer["position"] = value is null ? null : new JsonObject { ["x"] = value.Value.X, ["y"] = value.Value.Y };
        }
    }

    /// <summary>Whether the activity may start the workflow when its trigger fires (HTTP endpoint, event, timer …).</summary>
    public bool CanStartWorkflow =>
        ReadBool(Properties["canStartWorkflow"]) || ReadBool(CustomProperties?["canStartWorkflow"]);

    /// <summary>This activity and every activity inside it, depth first.</summary>
    public IEnumerable<ActivityNode> SelfAndDescendants()
    {
        yield return this;
        foreach (var child in Children())
        {
            foreach (var node in child.SelfAndDescendants()) yield return node;
        }
    }

    /// <summary>The activities directly inside this one.</summary>
    public IEnumerable<ActivityNode> Children()
    {
        if (Activities is not null)
        {
            foreach (var a in Activities) yield return a;
        }
        foreach (var slot in Slots.Values) yield return slot;
        foreach (var list in ListSlots.Values)
        {
            foreach (var a in list) yield return a;
        }
    }

    /// <summary>A property's JSON (an input, an output binding or a plain value), matched without regard to case.</summary>
    public JsonNode? GetProperty(string name)
    {
        if (Properties.TryGetPropertyValue(name, out var value)) return value;
        foreach (var pair in Properties)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase)) return pair.Value;
        }
        return null;
    }

    /// <summary>Sets an input to an expression, in the format's flattened shape.</summary>
    public void SetInput(string name, string typeName, string expressionType, JsonNode? value)
    {
        Properties[name] = new JsonObject
        {
            ["typeName"] = typeName,
            ["expression"] = new JsonObject { ["type"] = expressionType, ["value"] = value },
        };
    }

    /// <summary>Binds an output to a variable (by id) or a workflow output (by name).</summary>
    public void SetOutput(string name, string typeName, string memoryReferenceId)
    {
        Properties[name] = new JsonObject
        {
            ["typeName"] = typeName,
            ["memoryReference"] = new JsonObject { ["id"] = memoryReferenceId },
        };
    }

    private static bool ReadBool(JsonNode? node) => node?.GetValueKind() == JsonValueKind.True;
}
