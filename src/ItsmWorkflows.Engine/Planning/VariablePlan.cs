using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Planning;

/// <summary>A declared variable with its initial value already converted to its type.</summary>
public sealed record VariablePlan(string Id, string Name, string TypeName, JsonNode? InitialValue);
