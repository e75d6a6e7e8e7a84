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
