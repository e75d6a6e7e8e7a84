using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>Reads a variable by name.</summary>
public sealed class VariableExpression(string name) : CompiledExpression
{
    public override JsonNode? Evaluate(IExpressionScope scope) => scope.TryGetVariable(name, out var value) ? value : null;
}
