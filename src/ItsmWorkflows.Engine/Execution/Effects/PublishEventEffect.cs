using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Execution.Effects;

/// <summary>Resume the instances waiting on an event (optionally only those with a correlation id).</summary>
public sealed record PublishEventEffect(string EventName, string? CorrelationId, JsonNode? Payload, string SourceInstanceId) : WorkflowEffect;
