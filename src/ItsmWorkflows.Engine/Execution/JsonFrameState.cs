using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>Free-form progress for activities defined outside the engine (approvals, tasks).</summary>
public sealed class JsonFrameState : FrameState
{
    public JsonObject Data { get; set; } = [];
}
