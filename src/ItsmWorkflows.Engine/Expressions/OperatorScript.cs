using System.Text.Json.Nodes;
using Acornima;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// A script that is one expression of literals, reads of variables, inputs and activity outputs, and JavaScript's
/// operators on primitive values (<c>getAmount() &gt; 1000</c>, <c>getInput('Priority') === 'P1' || getVip()</c>):
/// the conditions and sums most workflows are made of. It is evaluated here, by JavaScript's own rules for those
/// operators, without building an engine, which for such a script cost more than everything else in its activity
/// (profiled: a fresh engine and its guards were half of an evaluation, the two evaluations of a 10-activity
/// workflow a third of its server time).
/// <para>
/// Anything else is Jint's: <see cref="TryCompile"/> answers null for a script with member access, calls of other
/// functions, assignment, templates or any operator not listed, and at run time a value that is not a primitive
/// (an object or a list read from a variable), a string past the memory limit or any error hands the evaluation
/// to Jint, which then does it from the start. That is safe because nothing here writes or has side effects.
/// </para>
/// </summary>
internal sealed class OperatorScript
{
    private readonly Func<IExpressionScope, JsValue> _root;

    private OperatorScript(Func<IExpressionScope, JsValue> root) => _root = root;

    /// <summary>Thrown inside an evaluation to hand it to the engine; never leaves this class.</summary>
    private sealed class NeedsEngine : Exception
    {
    }

    /// <summary>The script as an operator expression, or null when it is anything more (then Jint runs it).</summary>
    public static OperatorScript? TryCompile(Script ast, ScriptHelperCatalog helpers)
    {
        if (ast.Body.Count != 1 || ast.Body[0] is not ExpressionStatement statement) return null;
        if (statement is Directive directive && directive.Value == "use strict") return null;
        var root = Compile(statement.Expression, helpers, depth: 0);
        return root is null ? null : new OperatorScript(root);
    }

    /// <summary>The script's value, converted as an engine's result is; false when the engine has to evaluate it.</summary>
    public bool TryEvaluate(IExpressionScope scope, out JsonNode? result)
    {
        try
        {
            result = JsonJsConverter.ToJson(_root(scope));
            return true;
        }
#pragma warning disable CA1031 // Any failure is the engine's to report, with its own message: it evaluates again.
        catch (Exception)
#pragma warning restore CA1031
        {
            result = null;
            return false;
        }
    }

    private static readonly JsValue NaN = JsNumber.Create(double.NaN);
    private static readonly JsValue Infinity = JsNumber.Create(double.PositiveInfinity);

    // Deep nesting is left to the engine, which has the recursion and stack limits.
    private const int MaxDepth = 64;

    private static Func<IExpressionScope, JsValue>? Compile(Expression node, ScriptHelperCatalog helpers, int depth)
    {
        if (depth > MaxDepth) return null;
        switch (node)
        {
            case NumericLiteral number:
                var n = JsNumber.Create(number.Value);
                return _ => n;
            case StringLiteral text:
                var s = (JsValue)new JsString(text.Value);
                return _ => s;
            case BooleanLiteral boolean:
                var b = boolean.Value ? JsBoolean.True : JsBoolean.False;
                return _ => b;
            case NullLiteral:
                return _ => JsValue.Null;
            case Identifier { Name: "undefined" }:
                return _ => JsValue.Undefined;
            case Identifier { Name: "NaN" }:
                return _ => NaN;
            case Identifier { Name: "Infinity" }:
                return _ => Infinity;
            case CallExpression call:
                return CompileRead(call, helpers);
            case LogicalExpression logical:
                return CompileLogical(logical, helpers, depth);
            case BinaryExpression binary:
                return CompileBinary(binary, helpers, depth);
            case UnaryExpression unary:
                return CompileUnary(unary, helpers, depth);
            case ConditionalExpression conditional:
                var test = Compile(conditional.Test, helpers, depth + 1);
                var then = Compile(conditional.Consequent, helpers, depth + 1);
                var otherwise = Compile(conditional.Alternate, helpers, depth + 1);
                if (test is null || then is null || otherwise is null) return null;
                return scope => TypeConverter.ToBoolean(test(scope)) ? then(scope) : otherwise(scope);
            default:
                return null;
        }
    }

    /// <summary>A read: getVariable('x'), getInput('x'), getOutputFrom('a', 'o') or a helper standing for one (getX()).</summary>
    private static Func<IExpressionScope, JsValue>? CompileRead(CallExpression call, ScriptHelperCatalog helpers)
    {
        if (call.Optional || call.Callee is not Identifier callee) return null;
        var arguments = new List<string>();
        foreach (var argument in call.Arguments)
        {
            if (argument is not StringLiteral literal) return null;
            arguments.Add(literal.Value);
        }
        var read = callee.Name switch
        {
            "getVariable" when arguments.Count == 1 => new ScriptRead(ScriptReadKind.Variable, arguments[0], null),
            "getInput" when arguments.Count == 1 => new ScriptRead(ScriptReadKind.Input, arguments[0], null),
            "getOutputFrom" when arguments.Count == 2 => new ScriptRead(ScriptReadKind.Output, arguments[0], arguments[1]),
            _ when arguments.Count == 0 && helpers.TryGetRead(callee.Name, out var helper) => helper,
            _ => null,
        };
        if (read is null) return null;
        var (kind, first, second) = read;
        return kind switch
        {
            // As the engine's getVariable: a variable that does not exist is undefined, one holding null is null.
            ScriptReadKind.Variable => scope => scope.TryGetVariable(first, out var value) ? Primitive(value) : JsValue.Undefined,
            ScriptReadKind.Input => scope => Primitive(scope.GetInput(first)),
            _ => scope => Primitive(scope.GetActivityOutput(first, second!)),
        };
    }

    private static JsValue Primitive(JsonNode? value) => JsonJsConverter.TryToPrimitive(value, out var primitive) ? primitive : throw new NeedsEngine();

    private static Func<IExpressionScope, JsValue>? CompileLogical(LogicalExpression logical, ScriptHelperCatalog helpers, int depth)
    {
        var left = Compile(logical.Left, helpers, depth + 1);
        var right = Compile(logical.Right, helpers, depth + 1);
        if (left is null || right is null) return null;
        return logical.Operator switch
        {
            Operator.LogicalAnd => scope => left(scope) is var l && !TypeConverter.ToBoolean(l) ? l : right(scope),
            Operator.LogicalOr => scope => left(scope) is var l && TypeConverter.ToBoolean(l) ? l : right(scope),
            Operator.NullishCoalescing => scope => left(scope) is var l && !l.IsNull() && !l.IsUndefined() ? l : right(scope),
            _ => null,
        };
    }

    private static Func<IExpressionScope, JsValue>? CompileUnary(UnaryExpression unary, ScriptHelperCatalog helpers, int depth)
    {
        var argument = Compile(unary.Argument, helpers, depth + 1);
        if (argument is null) return null;
        return unary.Operator switch
        {
            Operator.LogicalNot => scope => TypeConverter.ToBoolean(argument(scope)) ? JsBoolean.False : JsBoolean.True,
            Operator.UnaryNegation => scope => JsNumber.Create(-TypeConverter.ToNumber(argument(scope))),
            Operator.UnaryPlus => scope => JsNumber.Create(TypeConverter.ToNumber(argument(scope))),
            Operator.TypeOf => scope => new JsString(TypeOf(argument(scope))),
            _ => null,
        };
    }

    private static string TypeOf(JsValue value) => value.Type switch
    {
        Types.Undefined => "undefined",
        Types.Null => "object",
        Types.Boolean => "boolean",
        Types.String => "string",
        Types.Number => "number",
        _ => throw new NeedsEngine(),
    };

    private static Func<IExpressionScope, JsValue>? CompileBinary(BinaryExpression binary, ScriptHelperCatalog helpers, int depth)
    {
        var left = Compile(binary.Left, helpers, depth + 1);
        var right = Compile(binary.Right, helpers, depth + 1);
        if (left is null || right is null) return null;
        return binary.Operator switch
        {
            Operator.Addition => scope => OperatorSemantics.Add(left(scope), right(scope)),
            Operator.Subtraction => scope => JsNumber.Create(TypeConverter.ToNumber(left(scope)) - TypeConverter.ToNumber(right(scope))),
            Operator.Multiplication => scope => JsNumber.Create(TypeConverter.ToNumber(left(scope)) * TypeConverter.ToNumber(right(scope))),
            Operator.Division => scope => JsNumber.Create(TypeConverter.ToNumber(left(scope)) / TypeConverter.ToNumber(right(scope))),
            // JavaScript's remainder truncates and takes the dividend's sign, as .NET's does for doubles.
            Operator.Remainder => scope => JsNumber.Create(TypeConverter.ToNumber(left(scope)) % TypeConverter.ToNumber(right(scope))),
            Operator.StrictEquality => scope => Bool(OperatorSemantics.StrictlyEqual(left(scope), right(scope))),
            Operator.StrictInequality => scope => Bool(!OperatorSemantics.StrictlyEqual(left(scope), right(scope))),
            Operator.Equality => scope => Bool(OperatorSemantics.LooselyEqual(left(scope), right(scope))),
            Operator.Inequality => scope => Bool(!OperatorSemantics.LooselyEqual(left(scope), right(scope))),
            Operator.LessThan => scope => Bool(OperatorSemantics.Compare(left(scope), right(scope)) is { } c && c < 0),
            Operator.GreaterThan => scope => Bool(OperatorSemantics.Compare(left(scope), right(scope)) is { } c && c > 0),
            Operator.LessThanOrEqual => scope => Bool(OperatorSemantics.Compare(left(scope), right(scope)) is { } c && c <= 0),
            Operator.GreaterThanOrEqual => scope => Bool(OperatorSemantics.Compare(left(scope), right(scope)) is { } c && c >= 0),
            _ => null,
        };
    }

    private static JsBoolean Bool(bool value) => value ? JsBoolean.True : JsBoolean.False;

    /// <summary>The operators' rules for primitive operands (ECMA-262 §7.2, §13.15); anything else needs the engine.</summary>
    private static class OperatorSemantics
    {
        public static JsValue Add(JsValue left, JsValue right)
        {
            Check(left);
            Check(right);
            if (!left.IsString() && !right.IsString()) return JsNumber.Create(TypeConverter.ToNumber(left) + TypeConverter.ToNumber(right));
            var l = TypeConverter.ToString(left);
            var r = TypeConverter.ToString(right);
            // A string past what a script may hold is the engine's to refuse, with its message.
            if ((long)l.Length + r.Length > JavaScriptRuntime.MaxStringChars) throw new NeedsEngine();
            return new JsString(l + r);
        }

        public static bool StrictlyEqual(JsValue left, JsValue right)
        {
            Check(left);
            Check(right);
            if (left.Type != right.Type) return false;
            return left.Type switch
            {
                Types.Number => left.AsNumber() == right.AsNumber(),
                Types.String => string.Equals(left.AsString(), right.AsString(), StringComparison.Ordinal),
                Types.Boolean => left.AsBoolean() == right.AsBoolean(),
                _ => true, // null === null, undefined === undefined
            };
        }

        public static bool LooselyEqual(JsValue left, JsValue right)
        {
            Check(left);
            Check(right);
            if (left.Type == right.Type) return StrictlyEqual(left, right);
            var leftNothing = left.IsNull() || left.IsUndefined();
            var rightNothing = right.IsNull() || right.IsUndefined();
            if (leftNothing || rightNothing) return leftNothing && rightNothing;
            // Of number, string and boolean, two different types compare as numbers.
            return TypeConverter.ToNumber(left) == TypeConverter.ToNumber(right);
        }

        /// <summary>Less than zero, zero or more than zero; null when either is NaN (every comparison is then false).</summary>
        public static int? Compare(JsValue left, JsValue right)
        {
            Check(left);
            Check(right);
            if (left.IsString() && right.IsString()) return Math.Sign(string.CompareOrdinal(left.AsString(), right.AsString()));
            var l = TypeConverter.ToNumber(left);
            var r = TypeConverter.ToNumber(right);
            if (double.IsNaN(l) || double.IsNaN(r)) return null;
            return l < r ? -1 : l > r ? 1 : 0;
        }

        private static void Check(JsValue value)
        {
            if (value.Type is not (Types.Undefined or Types.Null or Types.Boolean or Types.String or Types.Number)) throw new NeedsEngine();
        }
    }
}
