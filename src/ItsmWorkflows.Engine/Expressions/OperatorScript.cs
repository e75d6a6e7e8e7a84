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
    private readonly Func<Evaluation, JsValue> _root;
    private readonly int _reads;

    private OperatorScript(Func<Evaluation, JsValue> root, int reads)
    {
        _root = root;
        _reads = reads;
    }

    /// <summary>One evaluation: its scope, and the text it has read and built so far.</summary>
    private sealed class Evaluation(IExpressionScope scope)
    {
        public IExpressionScope Scope { get; } = scope;

        public long Chars { get; private set; }

        /// <summary>
        /// Counts text against a budget well inside the engine's memory limit (an eighth of it): within it, the
        /// engine could not have refused the script for its memory either; past it, the engine decides.
        /// </summary>
        public void Charge(long chars)
        {
            Chars += chars;
            if (Chars > JavaScriptRuntime.MaxStringChars / 8) throw new NeedsEngine();
        }
    }

    /// <summary>Thrown inside an evaluation to hand it to the engine; never leaves this class.</summary>
    private sealed class NeedsEngine : Exception
    {
    }

    /// <summary>The script as an operator expression, or null when it is anything more (then Jint runs it).</summary>
    public static OperatorScript? TryCompile(string source, Script ast, ScriptHelperCatalog helpers)
    {
        if (ast.Body.Count != 1 || ast.Body[0] is not ExpressionStatement statement) return null;
        if (statement is Directive directive && directive.Value == "use strict") return null;
        var compiling = new Compilation(source, helpers);
        var root = compiling.Compile(statement.Expression, depth: 0);
        return root is null ? null : new OperatorScript(root, compiling.Reads);
    }

    /// <summary>The script's value, converted as an engine's result is; false when the engine has to evaluate it.</summary>
    public bool TryEvaluate(IExpressionScope scope, out JsonNode? result)
    {
        // The engine counts each helper call as a statement: a script with reads near its statement limit is its to judge.
        if (_reads * 2L + 4 > JavaScriptRuntime.Limits.MaxStatements)
        {
            result = null;
            return false;
        }
        try
        {
            result = JsonJsConverter.ToJson(_root(new Evaluation(scope)));
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

    /// <summary>Compiles one script: the helpers it may call, its text (a helper is only there when its name is written out), the reads it makes.</summary>
    private sealed class Compilation(string source, ScriptHelperCatalog helpers)
    {
        public int Reads { get; private set; }

        public Func<Evaluation, JsValue>? Compile(Expression node, int depth)
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
                    return CompileRead(call);
                case LogicalExpression logical:
                    return CompileLogical(logical, depth);
                case BinaryExpression binary:
                    return CompileBinary(binary, depth);
                case UnaryExpression unary:
                    return CompileUnary(unary, depth);
                case ConditionalExpression conditional:
                    var test = Compile(conditional.Test, depth + 1);
                    var then = Compile(conditional.Consequent, depth + 1);
                    var otherwise = Compile(conditional.Alternate, depth + 1);
                    if (test is null || then is null || otherwise is null) return null;
                    return e => TypeConverter.ToBoolean(test(e)) ? then(e) : otherwise(e);
                default:
                    return null;
            }
        }

        /// <summary>A read: getVariable('x'), getInput('x'), getOutputFrom('a', 'o') or a helper standing for one (getX()).</summary>
        private Func<Evaluation, JsValue>? CompileRead(CallExpression call)
        {
            if (call.Optional || call.Callee is not Identifier callee) return null;
            var arguments = new List<string>();
            foreach (var argument in call.Arguments)
            {
                if (argument is not StringLiteral literal) return null;
                arguments.Add(literal.Value);
            }
            // The engine's prelude declares a helper only where its name is written out as such: spelled with escapes
            // (get\u0041()) it is not declared there, and the engine's answer is an error.
            var written = callee.Range.End <= source.Length && string.Equals(source[callee.Range.Start..callee.Range.End], callee.Name, StringComparison.Ordinal);
            var read = callee.Name switch
            {
                "getVariable" when arguments.Count == 1 => new ScriptRead(ScriptReadKind.Variable, arguments[0], null),
                "getInput" when arguments.Count == 1 => new ScriptRead(ScriptReadKind.Input, arguments[0], null),
                "getOutputFrom" when arguments.Count == 2 => new ScriptRead(ScriptReadKind.Output, arguments[0], arguments[1]),
                _ when arguments.Count == 0 && written && helpers.TryGetRead(callee.Name, out var helper) => helper,
                _ => null,
            };
            if (read is null) return null;
            Reads++;
            var (kind, first, second) = read;
            return kind switch
            {
                // As the engine's getVariable: a variable that does not exist is undefined, one holding null is null.
                ScriptReadKind.Variable => e => e.Scope.TryGetVariable(first, out var value) ? Primitive(e, value) : JsValue.Undefined,
                ScriptReadKind.Input => e => Primitive(e, e.Scope.GetInput(first)),
                _ => e => Primitive(e, e.Scope.GetActivityOutput(first, second!)),
            };
        }

        private Func<Evaluation, JsValue>? CompileLogical(LogicalExpression logical, int depth)
        {
            var left = Compile(logical.Left, depth + 1);
            var right = Compile(logical.Right, depth + 1);
            if (left is null || right is null) return null;
            return logical.Operator switch
            {
                Operator.LogicalAnd => e => left(e) is var l && !TypeConverter.ToBoolean(l) ? l : right(e),
                Operator.LogicalOr => e => left(e) is var l && TypeConverter.ToBoolean(l) ? l : right(e),
                Operator.NullishCoalescing => e => left(e) is var l && !l.IsNull() && !l.IsUndefined() ? l : right(e),
                _ => null,
            };
        }

        private Func<Evaluation, JsValue>? CompileUnary(UnaryExpression unary, int depth)
        {
            var argument = Compile(unary.Argument, depth + 1);
            if (argument is null) return null;
            return unary.Operator switch
            {
                Operator.LogicalNot => e => TypeConverter.ToBoolean(argument(e)) ? JsBoolean.False : JsBoolean.True,
                Operator.UnaryNegation => e => JsNumber.Create(-TypeConverter.ToNumber(argument(e))),
                Operator.UnaryPlus => e => JsNumber.Create(TypeConverter.ToNumber(argument(e))),
                Operator.TypeOf => e => new JsString(TypeOf(argument(e))),
                _ => null,
            };
        }

        private Func<Evaluation, JsValue>? CompileBinary(BinaryExpression binary, int depth)
        {
            var left = Compile(binary.Left, depth + 1);
            var right = Compile(binary.Right, depth + 1);
            if (left is null || right is null) return null;
            return binary.Operator switch
            {
                Operator.Addition => e => OperatorSemantics.Add(e, left(e), right(e)),
                Operator.Subtraction => e => JsNumber.Create(TypeConverter.ToNumber(left(e)) - TypeConverter.ToNumber(right(e))),
                Operator.Multiplication => e => JsNumber.Create(TypeConverter.ToNumber(left(e)) * TypeConverter.ToNumber(right(e))),
                Operator.Division => e => JsNumber.Create(TypeConverter.ToNumber(left(e)) / TypeConverter.ToNumber(right(e))),
                // JavaScript's remainder truncates and takes the dividend's sign, as .NET's does for doubles.
                Operator.Remainder => e => JsNumber.Create(TypeConverter.ToNumber(left(e)) % TypeConverter.ToNumber(right(e))),
                Operator.StrictEquality => e => Bool(OperatorSemantics.StrictlyEqual(left(e), right(e))),
                Operator.StrictInequality => e => Bool(!OperatorSemantics.StrictlyEqual(left(e), right(e))),
                Operator.Equality => e => Bool(OperatorSemantics.LooselyEqual(left(e), right(e))),
                Operator.Inequality => e => Bool(!OperatorSemantics.LooselyEqual(left(e), right(e))),
                Operator.LessThan => e => Bool(OperatorSemantics.Compare(left(e), right(e)) is { } c && c < 0),
                Operator.GreaterThan => e => Bool(OperatorSemantics.Compare(left(e), right(e)) is { } c && c > 0),
                Operator.LessThanOrEqual => e => Bool(OperatorSemantics.Compare(left(e), right(e)) is { } c && c <= 0),
                Operator.GreaterThanOrEqual => e => Bool(OperatorSemantics.Compare(left(e), right(e)) is { } c && c >= 0),
                _ => null,
            };
        }
    }

    /// <summary>A value read, as the script sees it, its text counted; an object or a list needs the engine.</summary>
    private static JsValue Primitive(Evaluation evaluation, JsonNode? value)
    {
        if (!JsonJsConverter.TryToPrimitive(value, out var primitive)) throw new NeedsEngine();
        if (primitive.IsString()) evaluation.Charge(primitive.AsString().Length);
        return primitive;
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

    private static JsBoolean Bool(bool value) => value ? JsBoolean.True : JsBoolean.False;

    /// <summary>The operators' rules for primitive operands (ECMA-262 §7.2, §13.15); anything else needs the engine.</summary>
    private static class OperatorSemantics
    {
        public static JsValue Add(Evaluation evaluation, JsValue left, JsValue right)
        {
            Check(left);
            Check(right);
            if (!left.IsString() && !right.IsString()) return JsNumber.Create(TypeConverter.ToNumber(left) + TypeConverter.ToNumber(right));
            var l = TypeConverter.ToString(left);
            var r = TypeConverter.ToString(right);
            // Text built counts too: past the budget (well inside what a script may hold) the engine decides.
            evaluation.Charge((long)l.Length + r.Length);
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
