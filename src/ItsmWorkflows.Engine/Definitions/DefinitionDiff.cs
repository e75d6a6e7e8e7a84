using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Definitions;

/// <summary>
/// A structural comparison of two definition versions: activities and connections added, removed or
/// changed (with the changed fields), variables, and top-level fields. Layout moves are reported apart,
/// so a reviewer can tell a logic change from a tidy-up.
/// </summary>
public sealed record DefinitionDiff(
    IReadOnlyList<ActivitySummary> ActivitiesAdded,
    IReadOnlyList<ActivitySummary> ActivitiesRemoved,
    IReadOnlyList<ActivityChange> ActivitiesChanged,
    IReadOnlyList<string> ActivitiesMoved,
    IReadOnlyList<string> ConnectionsAdded,
    IReadOnlyList<string> ConnectionsRemoved,
    IReadOnlyList<FieldChange> VariablesChanged,
    IReadOnlyList<FieldChange> DefinitionChanged)
{
    public bool IsEmpty =>
        ActivitiesAdded.Count == 0 && ActivitiesRemoved.Count == 0 && ActivitiesChanged.Count == 0 && ActivitiesMoved.Count == 0
        && ConnectionsAdded.Count == 0 && ConnectionsRemoved.Count == 0 && VariablesChanged.Count == 0 && DefinitionChanged.Count == 0;

    public static DefinitionDiff Compute(WorkflowDefinition from, WorkflowDefinition to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var before = Index(from);
        var after = Index(to);
        var added = after.Keys.Except(before.Keys).Select(id => Summary(after[id])).ToList();
        var removed = before.Keys.Except(after.Keys).Select(id => Summary(before[id])).ToList();
        var changed = new List<ActivityChange>();
        var moved = new List<string>();
        foreach (var id in before.Keys.Intersect(after.Keys))
        {
            var (fields, layoutMoved) = Compare(before[id], after[id]);
            if (fields.Count > 0) changed.Add(new ActivityChange(id, after[id].Type, after[id].DisplayName, fields));
            else if (layoutMoved) moved.Add(id);
        }
        var connectionsBefore = Connections(from.Root).ToHashSet(StringComparer.Ordinal);
        var connectionsAfter = Connections(to.Root).ToHashSet(StringComparer.Ordinal);
        var variables = new List<FieldChange>();
        var variablesBefore = from.Variables.ToDictionary(v => v.Name, v => $"{v.TypeName} = {v.Value?.ToJsonString() ?? "null"}", StringComparer.Ordinal);
        var variablesAfter = to.Variables.ToDictionary(v => v.Name, v => $"{v.TypeName} = {v.Value?.ToJsonString() ?? "null"}", StringComparer.Ordinal);
        foreach (var name in variablesBefore.Keys.Union(variablesAfter.Keys).Order(StringComparer.Ordinal))
        {
            var x = variablesBefore.GetValueOrDefault(name);
            var y = variablesAfter.GetValueOrDefault(name);
            if (x != y) variables.Add(new FieldChange(name, x, y));
        }
        var definition = new List<FieldChange>();
        if (from.Name != to.Name) definition.Add(new FieldChange("name", from.Name, to.Name));
        if (from.Description != to.Description) definition.Add(new FieldChange("description", from.Description, to.Description));
        var inputsBefore = string.Join(", ", from.Inputs.Select(i => $"{i.Name}:{i.TypeName}"));
        var inputsAfter = string.Join(", ", to.Inputs.Select(i => $"{i.Name}:{i.TypeName}"));
        if (inputsBefore != inputsAfter) definition.Add(new FieldChange("inputs", inputsBefore, inputsAfter));
        var outputsBefore = string.Join(", ", from.Outputs.Select(i => $"{i.Name}:{i.TypeName}"));
        var outputsAfter = string.Join(", ", to.Outputs.Select(i => $"{i.Name}:{i.TypeName}"));
        if (outputsBefore != outputsAfter) definition.Add(new FieldChange("outputs", outputsBefore, outputsAfter));
        return new DefinitionDiff(
            added, removed, changed, moved,
            [.. connectionsAfter.Except(connectionsBefore).Order(StringComparer.Ordinal)],
            [.. connectionsBefore.Except(connectionsAfter).Order(StringComparer.Ordinal)],
            variables, definition);
    }

    /// <summary>The fields of one activity that differ between two versions of it, layout (designer positions) aside.</summary>
    public static IReadOnlyList<FieldChange> ChangedFields(ActivityNode before, ActivityNode after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return Compare(before, after).Fields;
    }

    /// <summary>Changed fields, and whether only the layout moved when none did.</summary>
    private static (List<FieldChange> Fields, bool LayoutMoved) Compare(ActivityNode before, ActivityNode after)
    {
        var a = Flatten(before);
        var b = Flatten(after);
        var fields = new List<FieldChange>();
        var layoutMoved = false;
        foreach (var key in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            var x = a.GetValueOrDefault(key);
            var y = b.GetValueOrDefault(key);
            if (x == y) continue;
            if (key.StartsWith("metadata.designer.", StringComparison.Ordinal)) layoutMoved |= a.ContainsKey(key);
            else fields.Add(new FieldChange(key, x, y));
        }
        return (fields, layoutMoved && fields.Count == 0);
    }

    private static Dictionary<string, ActivityNode> Index(WorkflowDefinition definition)
    {
        var index = new Dictionary<string, ActivityNode>(StringComparer.Ordinal);
        foreach (var node in definition.Root.Children().SelectMany(c => c.SelfAndDescendants())) index.TryAdd(node.Id, node);
        return index;
    }

    private static ActivitySummary Summary(ActivityNode node) => new(node.Id, node.Type, node.DisplayName);

    private static IEnumerable<string> Connections(ActivityNode root) =>
        root.SelfAndDescendants().SelectMany(n => (n.Connections ?? []).Select(c => $"{c.Source}:{c.SourcePort} -> {c.Target}"));

    /// <summary>An activity's own properties as path → JSON text (children are compared as activities of their own).</summary>
    private static Dictionary<string, string> Flatten(ActivityNode node)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal) { ["type"] = node.Type, ["name"] = node.Name ?? "" };
        void Walk(string path, JsonNode? value)
        {
            if (value is JsonObject o)
            {
                foreach (var pair in o) Walk(path.Length == 0 ? pair.Key : path + "." + pair.Key, pair.Value);
            }
            else
            {
                result[path] = value?.ToJsonString() ?? "null";
            }
        }
        foreach (var pair in node.Properties)
        {
            // Designer-generated memory slot ids change on every save and mean nothing to a reviewer.
            if (pair.Value is JsonObject input) Walk(pair.Key, WithoutMemoryReference(input));
            else Walk(pair.Key, pair.Value);
        }
        return result;
    }

    private static JsonObject WithoutMemoryReference(JsonObject input)
    {
        if (!input.ContainsKey("memoryReference") || !input.ContainsKey("expression")) return input;
        var copy = (JsonObject)input.DeepClone();
        copy.Remove("memoryReference");
        return copy;
    }
}
