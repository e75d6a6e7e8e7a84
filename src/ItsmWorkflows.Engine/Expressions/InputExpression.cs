using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>Reads a workflow input by name.</summary>
public sealed class InputExpression(string name) : CompiledExpression
{
    public override JsonNode? Evaluate(IExpressionScope scope) => scope.GetInput(name);
}
