using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Execution.Effects;

/// <summary>The response a WriteHttpResponse activity gives the request that started or resumed the instance.</summary>
public sealed record HttpResponseEffect(int StatusCode, JsonNode? Content, string? ContentType, IReadOnlyDictionary<string, string> Headers) : WorkflowEffect;
