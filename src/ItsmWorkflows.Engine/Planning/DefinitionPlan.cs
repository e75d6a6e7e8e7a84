using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Expressions;

namespace ItsmWorkflows.Engine.Planning;

/// <summary>
/// A definition version compiled for execution: every activity resolved to its behaviour, every
/// expression prepared, every flowchart's graph analysed. Built once per version and shared.
/// </summary>
public sealed class DefinitionPlan
{
    public required WorkflowDefinition Definition { get; init; }

    /// <summary>Path prefix of this definition's activities ("" for the top definition).</summary>
    public required string PathPrefix { get; init; }

    public PlanNode Root { get; set; } = null!;

    /// <summary>Every node of the top definition and of the definitions it uses as activities, by path.</summary>
    public required Dictionary<string, PlanNode> Nodes { get; init; }

    public required ScriptHelperCatalog Helpers { get; init; }

    public List<VariablePlan> Variables { get; } = [];

    /// <summary>Variable names by variable id, for output bindings that name a variable by id.</summary>
    public Dictionary<string, string> VariableNamesById { get; } = new(StringComparer.Ordinal);

    public HashSet<string> OutputNames { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Activity ids by name within this definition (for getXFromY script helpers).</summary>
    public Dictionary<string, string> ActivityIdsByName { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<PlanIssue> Issues { get; } = [];

    public PlanNode? FindNode(string path) => Nodes.GetValueOrDefault(path);
}
