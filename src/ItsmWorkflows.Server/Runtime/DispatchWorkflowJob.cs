using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution.Effects;
using ItsmWorkflows.Engine.Runtime;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>Starts a child dispatched by DispatchWorkflow. Safe to run twice: the child's id is fixed by the parent.</summary>
internal sealed class DispatchWorkflowJob(WorkflowRuntime runtime)
{
    public async Task RunAsync(string childInstanceId, string definitionId, string? inputJson, string? correlationId, string parentInstanceId, string? parentBookmarkId, CancellationToken cancellationToken)
    {
        var input = inputJson is null ? null : JsonNode.Parse(inputJson) as JsonObject;
        await runtime.StartDispatchedAsync(new StartWorkflowEffect(childInstanceId, definitionId, input, correlationId, parentInstanceId, parentBookmarkId, Background: true), cancellationToken);
    }
}
