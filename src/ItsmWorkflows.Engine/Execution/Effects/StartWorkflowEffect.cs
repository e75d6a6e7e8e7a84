using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Execution.Effects;

/// <summary>
/// Start an instance of another definition. <paramref name="ParentBookmarkId"/> is set when the parent
/// waits for the child: the child's completion resumes that bookmark with its result.
/// <paramref name="Background"/> distinguishes DispatchWorkflow (queued) from ExecuteWorkflow (run right after the burst).
/// </summary>
public sealed record StartWorkflowEffect(
    string ChildInstanceId,
    string DefinitionId,
    JsonObject? Input,
    string? CorrelationId,
    string ParentInstanceId,
    string? ParentBookmarkId,
    bool Background) : WorkflowEffect;
