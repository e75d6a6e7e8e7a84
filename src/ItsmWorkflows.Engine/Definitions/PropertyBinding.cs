using System.Text.Json;
using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Definitions;

/// <summary>
/// How a property of an activity reads in the format: an input with an expression, an output bound
/// to a memory reference (variable id or workflow output name), or a plain JSON value.
/// </summary>
public sealed record PropertyBinding(string? TypeName, ExpressionModel? Expression, string? MemoryReferenceId, JsonNode? PlainValue)
{
    public static PropertyBinding? From(JsonNode? node)
    {
        if (node is null) return null;
        if (node is JsonObject obj && (obj.ContainsKey("typeName") || obj.ContainsKey("expression") || obj.ContainsKey("memoryReference")))
        {
            var typeName = obj["typeName"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
            ExpressionModel? expression = null;
            if (obj["expression"] is JsonObject e)
            {
                var type = e["type"] is JsonValue et && et.GetValueKind() == JsonValueKind.String ? et.GetValue<string>() : "Literal";
                expression = new ExpressionModel(type, e["value"]);
            }
            var memoryId = obj["memoryReference"]?["id"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : null;
            return new PropertyBinding(typeName, expression, memoryId, null);
        }
        return new PropertyBinding(null, null, null, node);
    }
}
