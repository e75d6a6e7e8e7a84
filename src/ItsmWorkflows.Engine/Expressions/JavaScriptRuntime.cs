using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jint;
using JintEngine = Jint.Engine;
using Script = Acornima.Ast.Script;
using Jint.Native;
using Jint.Runtime;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// Runs JavaScript in Jint with no CLR access, string compilation disabled, and time, memory,
/// statement and recursion limits. Every evaluation gets an engine of its own, so nothing a script
/// changes (globals, built-in prototypes) is seen by another; what is reused is the parsed script and
/// the options, which hold nothing a script can change.
/// </summary>
public static partial class JavaScriptRuntime
{
    [ThreadStatic] private static IExpressionScope? t_scope;

    // One reference, so a reader never pairs one limits value with the options of another.
    private static volatile Tuple<JavaScriptLimits, Options>? s_options;

    private static readonly ScriptPreparationOptions PreparationOptions = new()
    {
        ParsingOptions = ScriptParsingOptions.Default with { AllowReturnOutsideFunction = true },
    };

    public static JavaScriptLimits Limits { get; set; } = JavaScriptLimits.Default;

    /// <summary>Compiles a script once: parses it, wraps it with the helpers it mentions, and prepares it.</summary>
    public static Prepared<Script> Prepare(string script, ScriptHelperCatalog helpers)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(helpers);
        return Prepare(script, Parse(script), helpers);
    }

    /// <summary>An expression: prepared for the engine, and evaluated without one when it is only operators over values (<see cref="OperatorScript"/>).</summary>
    public static JavaScriptExpression PrepareExpression(string script, ScriptHelperCatalog helpers)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(helpers);
        var ast = Parse(script);
        return new JavaScriptExpression(Prepare(script, ast, helpers), OperatorScript.TryCompile(script, ast, helpers));
    }

    private static Script Parse(string script)
    {
        try
        {
            return new Acornima.Parser(new Acornima.ParserOptions { AllowReturnOutsideFunction = true }).ParseScript(script);
        }
        catch (Acornima.ParseErrorException ex)
        {
            throw new ExpressionCompileException($"JavaScript does not parse: {ex.Description} (line {ex.LineNumber}, column {ex.Column + 1}).", ex) { Line = ex.LineNumber, Column = ex.Column + 1 };
        }
    }

    private static Prepared<Script> Prepare(string script, Script ast, ScriptHelperCatalog helpers)
    {
        var body = script;
        // A lone string literal parses as a directive; it is still the script's value unless it is 'use strict'.
        if (ast.Body.Count > 0 && ast.Body[^1] is Acornima.Ast.ExpressionStatement last && !(last is Acornima.Ast.Directive d && d.Value == "use strict"))
        {
            // Keep the completion value of a trailing expression (`getA() + getB()`) as the function's return value.
            // The statement's range, not the expression's: `({ a: 1 })` keeps its parentheses that way.
            var range = last.Range;
            var statement = script[range.Start..range.End].TrimEnd();
            if (statement.EndsWith(';')) statement = statement[..^1];
            body = script[..range.Start] + "return (" + statement + ");" + script[range.End..];
        }
        var prelude = helpers.PreludeFor(script);
        if (VariablesProxyPattern().IsMatch(script))
        {
            prelude += "const variables = new Proxy({}, { get: (t, n) => getVariable(n), set: (t, n, v) => { setVariable(n, v); return true; } });\n";
        }
        if (InputProxyPattern().IsMatch(script))
        {
            prelude += "const input = new Proxy({}, { get: (t, n) => getInput(n) });\n";
        }
        var wrapped = "(function () {'use strict';\n" + prelude + body + "\n})()";
        try
        {
            return JintEngine.PrepareScript(wrapped, options: PreparationOptions);
        }
        catch (ScriptPreparationException ex)
        {
            throw new ExpressionCompileException($"JavaScript does not parse: {ex.Message}", ex);
        }
    }

    public static JsonNode? Evaluate(Prepared<Script> script, IExpressionScope scope)
    {
        // A fresh engine per evaluation: a reused one kept whatever the last script assigned to
        // globalThis or to Array.prototype, and the next definition's script ran with it (review, defect 2).
        var engine = new JintEngine(SharedOptions());
        JavaScriptGuards.Install(engine, MaxStringChars);
        var previous = t_scope;
        t_scope = scope;
        try
        {
            return JsonJsConverter.ToJson(engine.Evaluate(script));
        }
        catch (JavaScriptException ex)
        {
            throw new ExpressionEvaluationException($"Script error: {ex.Message}", ex);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new ExpressionEvaluationException($"A regular expression in the script ran longer than the {Limits.Timeout.TotalSeconds:0.###} s limit; simplify the pattern (nested repeats such as (a+)+ backtrack without end).", ex);
        }
        catch (TimeoutException ex)
        {
            throw new ExpressionEvaluationException($"The script ran longer than the {Limits.Timeout.TotalSeconds:0.###} s limit.", ex);
        }
        catch (StatementsCountOverflowException ex)
        {
            throw new ExpressionEvaluationException($"The script executed more than {Limits.MaxStatements} statements (endless loop?).", ex);
        }
        catch (MemoryLimitExceededException ex)
        {
            throw new ExpressionEvaluationException($"The script used more than {Limits.MemoryBytes / (1024 * 1024)} MiB of memory.", ex);
        }
        catch (RecursionDepthOverflowException ex)
        {
            throw new ExpressionEvaluationException($"The script recursed deeper than {Limits.MaxRecursion} calls.", ex);
        }
        catch (JintException ex)
        {
            throw new ExpressionEvaluationException($"Script error: {ex.Message}", ex);
        }
        finally
        {
            t_scope = previous;
        }
    }

    /// <summary>The longest string a script may build in one call: what the memory limit holds.</summary>
    internal static long MaxStringChars => Limits.MemoryBytes / sizeof(char);

    /// <summary>The scope of the evaluation running on this thread, for the script helpers.</summary>
    internal static IExpressionScope CurrentScope => t_scope ?? throw new InvalidOperationException("A script helper was called outside an evaluation.");

    private static Options SharedOptions()
    {
        var limits = Limits;
        var cached = s_options;
        if (cached is not null && ReferenceEquals(cached.Item1, limits)) return cached.Item2;
        var options = JavaScriptGlobals.CreateOptions(limits);
        s_options = Tuple.Create(limits, options);
        return options;
    }

    [GeneratedRegex(@"\bvariables\s*[\.\[]")]
    private static partial Regex VariablesProxyPattern();

    [GeneratedRegex(@"(?<![\w$])input\s*[\.\[]")]
    private static partial Regex InputProxyPattern();
}
