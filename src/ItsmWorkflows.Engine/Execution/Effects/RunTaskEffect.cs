using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Execution.Effects;

/// <summary>Ask the host to run a task; the instance waits until the task's result is reported with <see cref="TaskId"/>.</summary>
public sealed record RunTaskEffect(string TaskId, string TaskName, JsonNode? Payload, string InstanceId) : WorkflowEffect;
