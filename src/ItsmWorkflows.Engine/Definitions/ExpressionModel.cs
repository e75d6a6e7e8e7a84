using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Definitions;

/// <summary>An expression as written in a definition: its syntax (Literal, JavaScript, Liquid …) and its text or value.</summary>
public sealed record ExpressionModel(string Type, JsonNode? Value)
{
    /// <summary>The value as source text (scripts, templates, literal strings).</summary>
    public string? Text => Value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        _ => Value.ToJsonString(),
    };
}
