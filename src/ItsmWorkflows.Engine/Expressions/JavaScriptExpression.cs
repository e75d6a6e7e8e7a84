using System.Text.Json.Nodes;
using Jint;
using Script = Acornima.Ast.Script;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>A JavaScript expression, parsed and wrapped once at compile time; one of operators over values only is evaluated without an engine.</summary>
public sealed class JavaScriptExpression : CompiledExpression
{
    private readonly Prepared<Script> _script;
    private readonly OperatorScript? _operators;

    internal JavaScriptExpression(Prepared<Script> script, OperatorScript? operators)
    {
        _script = script;
        _operators = operators;
    }

    /// <summary>Whether the expression is evaluated without an engine when its values allow.</summary>
    internal bool RunsWithoutEngine => _operators is not null;

    public override JsonNode? Evaluate(IExpressionScope scope) =>
        _operators is not null && _operators.TryEvaluate(scope, out var value) ? value : JavaScriptRuntime.Evaluate(_script, scope);

    /// <summary>The engine's evaluation alone, for comparing the two.</summary>
    internal JsonNode? EvaluateWithEngine(IExpressionScope scope) => JavaScriptRuntime.Evaluate(_script, scope);
}
