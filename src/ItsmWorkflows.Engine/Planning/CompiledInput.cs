using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Expressions;

namespace ItsmWorkflows.Engine.Planning;

/// <summary>An activity input ready to evaluate: a constant, an expression, or the descriptor's default.</summary>
public sealed class CompiledInput(InputDescriptor descriptor, CompiledExpression? expression, string? error, string typeName)
{
    public InputDescriptor Descriptor { get; } = descriptor;

    public CompiledExpression? Expression { get; } = expression;

    /// <summary>Why the expression could not be compiled; the activity faults with it if it runs.</summary>
    public string? Error { get; } = error;

    public string TypeName { get; } = typeName;

    /// <summary>Whether the definition gives a value (rather than falling back to the default).</summary>
    public bool HasValue => Expression is not null && !(Expression.IsConstant && Expression.Constant is null);

    public JsonNode? Evaluate(IExpressionScope scope)
    {
        if (Error is not null) throw new ExpressionEvaluationException($"Input '{Descriptor.Name}' cannot be evaluated: {Error}");
        if (Expression is null) return Descriptor.DefaultValue;
        if (Expression.IsConstant) return Expression.Constant ?? Descriptor.DefaultValue;
        try
        {
            return ValueConverter.Convert(Expression.Evaluate(scope), TypeName);
        }
        catch (FormatException ex)
        {
            throw new ExpressionEvaluationException($"Input '{Descriptor.Name}': {ex.Message}", ex);
        }
    }
}
