using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Definitions;

/// <summary>A declared workflow input or output.</summary>
public sealed class ParameterDefinition
{
    public string Name { get; set; } = "";

    public string TypeName { get; set; } = "Object";

    public string? DisplayName { get; set; }

    public string? Description { get; set; }

    public bool IsArray { get; set; }

    public JsonObject Extra { get; } = [];
}
