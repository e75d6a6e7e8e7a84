using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>An expression prepared once per definition version and evaluated many times.</summary>
public abstract class CompiledExpression
{
    /// <summary>Set when the value does not depend on the scope (Literal, Object), so no evaluation is needed.</summary>
    public virtual bool IsConstant => false;

    public virtual JsonNode? Constant => null;

    public abstract JsonNode? Evaluate(IExpressionScope scope);
}
