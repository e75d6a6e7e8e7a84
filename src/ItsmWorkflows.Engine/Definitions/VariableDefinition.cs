using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Definitions;

/// <summary>A workflow or container variable: a named, typed memory slot with an optional initial value.</summary>
public sealed class VariableDefinition
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string TypeName { get; set; } = "Object";

    public bool IsArray { get; set; }

    /// <summary>The initial value as written in the definition (Elsa stores it as a string).</summary>
    public JsonNode? Value { get; set; }

    public JsonObject Extra { get; } = [];
}
