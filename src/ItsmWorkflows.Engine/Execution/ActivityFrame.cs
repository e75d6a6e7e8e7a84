using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>One live execution of an activity inside an instance. Completed frames are removed; the journal keeps their history.</summary>
public sealed class ActivityFrame
{
    public required string Id { get; init; }

    /// <summary>The plan node this frame executes: the activity id, prefixed by the path of enclosing definition activities.</summary>
    public required string NodePath { get; init; }

    public string? ParentId { get; init; }

    public FrameStatus Status { get; set; } = FrameStatus.Scheduled;

    /// <summary>Variables declared in this scope (a workflow scope, a container with variables, a loop's current value).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, JsonNode?>? Variables { get; set; }

    /// <summary>Inputs of a workflow scope (the root, or a definition used as an activity).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, JsonNode?>? ScopeInput { get; set; }

    /// <summary>Outputs a workflow scope has set (SetOutput); copied to the definition activity's outputs when it completes.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, JsonNode?>? ScopeOutput { get; set; }

    /// <summary>A container's own progress (flowchart tokens, sequence position, loop index).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FrameState? State { get; set; }

    /// <summary>A tag the parent gave this child (branch index, loop item index) to recognise it on completion.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Tag { get; set; }

    /// <summary>Whether this frame is a workflow scope: variables, inputs and outputs do not leak across it.</summary>
    public bool IsWorkflowScope { get; set; }

    /// <summary>Whether this frame was started by the trigger that started the instance, so it completes at once with the trigger's payload.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool IsTriggerOfInstance { get; set; }

    public DateTimeOffset ScheduledAt { get; init; }
}
