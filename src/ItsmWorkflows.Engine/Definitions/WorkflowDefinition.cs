using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Definitions;

/// <summary>One version of a workflow definition, in the shape of the Elsa 3 JSON format.</summary>
public sealed class WorkflowDefinition
{
    /// <summary>The version id (Elsa's <c>id</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary>The id shared by every version of the definition.</summary>
    public string DefinitionId { get; set; } = "";

    public string? Name { get; set; }

    public string? Description { get; set; }

    public int Version { get; set; } = 1;

    public bool IsLatest { get; set; } = true;

    public bool IsPublished { get; set; }

    public List<VariableDefinition> Variables { get; } = [];

    public List<ParameterDefinition> Inputs { get; } = [];

    public List<ParameterDefinition> Outputs { get; } = [];

    /// <summary>Outcomes a definition used as an activity can complete with.</summary>
    public List<string> Outcomes { get; } = [];

    public required ActivityNode Root { get; set; }

    /// <summary>Every top-level property this model does not name (createdAt, options, toolVersion, …), kept for a lossless round trip.</summary>
    public JsonObject Extra { get; } = [];

    /// <summary>
    /// Whether this version may still change (a draft), when the store that read it knows its state; null lets the
    /// JSON's flags decide (see <see cref="IsDraft"/>). A retired latest version says isLatest and not isPublished,
    /// and is not a draft.
    /// </summary>
    public bool? StoredAsDraft { get; set; }

    /// <summary>Whether this version may still change: as the store says, else latest and not published.</summary>
    public bool IsDraft => StoredAsDraft ?? (IsLatest && !IsPublished);

    /// <summary>True when the definition may be used as an activity inside other definitions.</summary>
    public bool UsableAsActivity =>
        (Extra["options"] as JsonObject)?["usableAsActivity"]?.GetValueKind() == System.Text.Json.JsonValueKind.True
        || Extra["usableAsActivity"]?.GetValueKind() == System.Text.Json.JsonValueKind.True;

    /// <summary>
    /// True when publishing this definition should point the definitions that use it as an activity at the new
    /// version (Elsa's <c>options.autoUpdateConsumingWorkflows</c>).
    /// </summary>
    public bool AutoUpdateConsumingWorkflows =>
        (Extra["options"] as JsonObject)?["autoUpdateConsumingWorkflows"]?.GetValueKind() == System.Text.Json.JsonValueKind.True;

    /// <summary>Every activity of the definition, depth first, the root included.</summary>
    public IEnumerable<ActivityNode> AllActivities() => Root.SelfAndDescendants();

    public WorkflowDefinition Clone() => WorkflowDefinitionJson.Parse(WorkflowDefinitionJson.Serialize(this));
}
