using System.Text.Json;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Definitions;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// Turns the expressions of a definition into <see cref="CompiledExpression"/>s. Supported syntaxes:
/// Literal, Object, Variable, Input, JavaScript and Liquid. CSharp and Python are refused: they cannot
/// be sandboxed, and a definition must never be a way to run arbitrary code on the server.
/// </summary>
public static class ExpressionCompiler
{
    public static IReadOnlyList<string> SupportedSyntaxes { get; } = ["Literal", "Object", "Variable", "Input", "JavaScript", "Liquid"];

    public static CompiledExpression Compile(ExpressionModel expression, string? targetType, ScriptHelperCatalog helpers)
    {
        ArgumentNullException.ThrowIfNull(expression);
        switch (expression.Type)
        {
            case "Literal":
                return new ConstantExpression(ConvertConstant(expression.Value, targetType));
            case "Object" or "Json":
                return new ConstantExpression(ConvertConstant(ParseObject(expression.Value), targetType));
            case "Variable":
                return new VariableExpression(ReferenceName(expression.Value) ?? throw new ExpressionCompileException("A Variable expression must name a variable."));
            case "Input":
                return new InputExpression(ReferenceName(expression.Value) ?? throw new ExpressionCompileException("An Input expression must name a workflow input."));
            case "JavaScript":
                var script = expression.Text;
                if (string.IsNullOrWhiteSpace(script)) return new ConstantExpression(null);
                return JavaScriptRuntime.PrepareExpression(script, helpers);
            case "Liquid":
                return new LiquidExpression(LiquidRuntime.Parse(expression.Text ?? ""));
            case "CSharp" or "C#":
                throw new ExpressionCompileException("C# expressions are not supported: they run arbitrary .NET code and cannot be sandboxed. Rewrite the expression in JavaScript or Liquid.");
            case "Python":
                throw new ExpressionCompileException("Python expressions are not supported: they cannot be sandboxed. Rewrite the expression in JavaScript or Liquid.");
            default:
                throw new ExpressionCompileException($"Unknown expression type '{expression.Type}'. Use one of: {string.Join(", ", SupportedSyntaxes)}.");
        }
    }

    private static JsonNode? ConvertConstant(JsonNode? value, string? targetType)
    {
        try
        {
            return ValueConverter.Convert(value?.DeepClone(), targetType);
        }
        catch (FormatException ex)
        {
            throw new ExpressionCompileException(ex.Message, ex);
        }
    }

    private static JsonNode? ParseObject(JsonNode? value)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var text = v.GetValue<string>();
            if (string.IsNullOrWhiteSpace(text)) return null;
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException ex)
            {
                throw new ExpressionCompileException($"The Object expression is not valid JSON: {ex.Message}", ex);
            }
        }
        return value?.DeepClone();
    }

    private static string? ReferenceName(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject o => (o["name"] ?? o["id"]) is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null,
        _ => null,
    };
}
