using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>A Literal or Object expression, converted to its type once at compile time.</summary>
public sealed class ConstantExpression(JsonNode? value) : CompiledExpression
{
    public override bool IsConstant => true;

    public override JsonNode? Constant => value;

    public override JsonNode? Evaluate(IExpressionScope scope) => value;
}
