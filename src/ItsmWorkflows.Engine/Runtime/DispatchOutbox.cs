using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Execution.Effects;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>
/// A dispatched child (DispatchWorkflow) as outbound work: committed in the parent's transaction, started
/// by the host's outbox delivery. Its id is the child's instance id, so a repeated delivery starts nothing twice.
/// </summary>
public static class DispatchOutbox
{
    public const string Kind = "dispatch";

    public static OutboundMessage ToOutbound(StartWorkflowEffect dispatch)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        return new OutboundMessage(dispatch.ChildInstanceId, Kind, new JsonObject
        {
            ["childInstanceId"] = dispatch.ChildInstanceId,
            ["definitionId"] = dispatch.DefinitionId,
            ["input"] = dispatch.Input?.DeepClone(),
            ["correlationId"] = dispatch.CorrelationId,
            ["parentInstanceId"] = dispatch.ParentInstanceId,
            ["parentBookmarkId"] = dispatch.ParentBookmarkId,
        }, dispatch.ParentInstanceId, dispatch.ParentBookmarkId);
    }

    public static StartWorkflowEffect FromPayload(JsonObject payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return new StartWorkflowEffect(
            payload["childInstanceId"]!.GetValue<string>(),
            payload["definitionId"]!.GetValue<string>(),
            payload["input"]?.DeepClone() as JsonObject,
            payload["correlationId"]?.GetValue<string>(),
            payload["parentInstanceId"]!.GetValue<string>(),
            payload["parentBookmarkId"]?.GetValue<string>(),
            Background: true);
    }
}
