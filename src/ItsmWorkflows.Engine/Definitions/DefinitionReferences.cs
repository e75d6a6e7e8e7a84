using System.Text.Json;
using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Definitions;

/// <summary>Which definitions a definition uses (as activities, or by ExecuteWorkflow/DispatchWorkflow), and who uses a given one.</summary>
public static class DefinitionReferences
{
    private static readonly HashSet<string> ChildStarters = new(StringComparer.Ordinal) { "Elsa.ExecuteWorkflow", "Elsa.DispatchWorkflow" };

    /// <summary>Definition ids this definition refers to directly (literal references only).</summary>
    public static IReadOnlySet<string> Referenced(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in definition.AllActivities())
        {
            var reference = node.GetProperty("workflowDefinitionId");
            if (reference is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                ids.Add(v.GetValue<string>());
            }
            else if (ChildStarters.Contains(node.Type) && PropertyBinding.From(reference)?.Expression is { Type: "Literal" } literal && literal.Text is { Length: > 0 } id)
            {
                ids.Add(id);
            }
        }
        return ids;
    }

    /// <summary>
    /// Points every activity of <paramref name="consumer"/> that uses <paramref name="childDefinitionId"/> as an activity at
    /// the given version of it (its version id and number, and the latest published version the designer shows); returns
    /// how many activities changed (0 when all already point there, or none uses it).
    /// </summary>
    public static int PointAt(WorkflowDefinition consumer, string childDefinitionId, string childVersionId, int childVersion)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        var changed = 0;
        foreach (var node in consumer.AllActivities())
        {
            if (ChildStarters.Contains(node.Type)) continue; // they start whatever is published; nothing to repoint
            if (node.GetProperty("workflowDefinitionId") is not JsonValue v || v.GetValueKind() != JsonValueKind.String || v.GetValue<string>() != childDefinitionId) continue;
            var current = node.GetProperty("workflowDefinitionVersionId") is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : null;
            if (current == childVersionId && node.TypeVersion == childVersion) continue;
            node.Properties["workflowDefinitionVersionId"] = childVersionId;
            node.Properties["latestAvailablePublishedVersion"] = childVersion;
            node.Properties["latestAvailablePublishedVersionId"] = childVersionId;
            node.TypeVersion = childVersion;
            changed++;
        }
        return changed;
    }

    /// <summary>Every definition that uses <paramref name="definitionId"/>, directly or through others.</summary>
    public static IReadOnlyList<string> Consumers(IEnumerable<WorkflowDefinition> definitions, string definitionId)
    {
        var edges = definitions.GroupBy(d => d.DefinitionId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(Referenced).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { definitionId };
        var queue = new Queue<string>([definitionId]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var (consumer, uses) in edges.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                if (uses.Contains(current) && seen.Add(consumer))
                {
                    found.Add(consumer);
                    queue.Enqueue(consumer);
                }
            }
        }
        return found;
    }
}
