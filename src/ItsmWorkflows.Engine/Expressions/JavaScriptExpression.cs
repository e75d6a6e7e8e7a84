using System.Text.Json.Nodes;
using Jint;
using JintEngine = Jint.Engine;
using Script = Acornima.Ast.Script;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>A JavaScript expression, parsed and wrapped once at compile time.</summary>
public sealed class JavaScriptExpression(Prepared<Script> script) : CompiledExpression
{
    public override JsonNode? Evaluate(IExpressionScope scope) => JavaScriptRuntime.Evaluate(script, scope);
}
