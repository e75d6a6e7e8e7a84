using System.Text.Json.Nodes;
using Fluid;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>A Liquid template, parsed once at compile time; evaluates to the rendered text.</summary>
public sealed class LiquidExpression(IFluidTemplate template) : CompiledExpression
{
    public override JsonNode? Evaluate(IExpressionScope scope) => JsonValue.Create(LiquidRuntime.Render(template, scope));
}
