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
/// statement and recursion limits. One engine per thread is reused (creating one costs far more
/// than a typical expression); every script runs inside a strict-mode function so that it cannot
/// leave globals behind for the next instance.
/// </summary>
public static partial class JavaScriptRuntime
{
    [ThreadStatic] private static JintEngine? t_engine;
    [ThreadStatic] private static IExpressionScope? t_scope;

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
        Acornima.Ast.Script ast;
        try
        {
            ast = new Acornima.Parser(new Acornima.ParserOptions { AllowReturnOutsideFunction = true }).ParseScript(script);
        }
        catch (Acornima.ParseErrorException ex)
        {
            throw new ExpressionCompileException($"JavaScript does not parse: {ex.Description} (line {ex.LineNumber}, column {ex.Column + 1}).", ex) { Line = ex.LineNumber, Column = ex.Column + 1 };
        }

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
        var engine = t_engine ??= CreateEngine();
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
        catch (TimeoutException ex)
        {
            t_engine = null;
            throw new ExpressionEvaluationException($"The script ran longer than the {Limits.Timeout.TotalSeconds:0.###} s limit.", ex);
        }
        catch (StatementsCountOverflowException ex)
        {
            t_engine = null;
            throw new ExpressionEvaluationException($"The script executed more than {Limits.MaxStatements} statements (endless loop?).", ex);
        }
        catch (MemoryLimitExceededException ex)
        {
            t_engine = null;
            throw new ExpressionEvaluationException($"The script used more than {Limits.MemoryBytes / (1024 * 1024)} MiB of memory.", ex);
        }
        catch (RecursionDepthOverflowException ex)
        {
            t_engine = null;
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

    private static IExpressionScope Scope => t_scope ?? throw new InvalidOperationException("A script helper was called outside an evaluation.");

    private static JintEngine CreateEngine()
    {
        var limits = Limits;
        var engine = new JintEngine(options => options
            .TimeoutInterval(limits.Timeout)
            .LimitMemory(limits.MemoryBytes)
            .MaxStatements(limits.MaxStatements)
            .LimitRecursion(limits.MaxRecursion)
            .LocalTimeZone(TimeZoneInfo.Utc)
            .Culture(CultureInfo.InvariantCulture)
            .DisableStringCompilation());

        engine.SetValue("getVariable", new Func<string, JsValue>(name =>
            Scope.TryGetVariable(name, out var value) ? JsonJsConverter.ToJs(t_engine!, value) : JsValue.Undefined));
        engine.SetValue("setVariable", new Action<string, JsValue>((name, value) => Scope.SetVariable(name, JsonJsConverter.ToJson(value))));
        engine.SetValue("getInput", new Func<string, JsValue>(name => JsonJsConverter.ToJs(t_engine!, Scope.GetInput(name))));
        engine.SetValue("getOutputFrom", new Func<string, string, JsValue>((activity, output) =>
            JsonJsConverter.ToJs(t_engine!, Scope.GetActivityOutput(activity, output))));
        engine.SetValue("getCorrelationId", new Func<string?>(() => Scope.Instance.CorrelationId));
        engine.SetValue("setCorrelationId", new Action<string?>(value => Scope.Instance.CorrelationId = value));
        engine.SetValue("getWorkflowInstanceId", new Func<string>(() => Scope.Instance.InstanceId));
        engine.SetValue("getWorkflowDefinitionId", new Func<string>(() => Scope.Instance.DefinitionId));
        engine.SetValue("getWorkflowInstanceName", new Func<string?>(() => Scope.Instance.Name));
        engine.SetValue("setWorkflowInstanceName", new Action<string?>(value => Scope.Instance.Name = value));
        engine.SetValue("setOutcome", new Action<string>(outcome => (Scope.ScriptOutcomes ??= []).Add(outcome)));
        engine.SetValue("setOutcomes", new Action<JsValue>(outcomes =>
        {
            var list = Scope.ScriptOutcomes ??= [];
            if (JsonJsConverter.ToJson(outcomes) is JsonArray array)
            {
                list.AddRange(array.Select(ValueConverter.ToText).OfType<string>());
            }
        }));
        engine.SetValue("isNullOrEmpty", new Func<JsValue, bool>(v => v.IsNull() || v.IsUndefined() || (v.IsString() && v.AsString().Length == 0)));
        engine.SetValue("isNullOrWhiteSpace", new Func<JsValue, bool>(v => v.IsNull() || v.IsUndefined() || (v.IsString() && string.IsNullOrWhiteSpace(v.AsString()))));
        engine.SetValue("newGuid", new Func<string>(() => Guid.NewGuid().ToString()));
        engine.SetValue("toJson", new Func<JsValue, string>(v => JsonJsConverter.ToJson(v)?.ToJsonString() ?? "null"));
        engine.SetValue("parseJson", new Func<string, JsValue>(text => JsonJsConverter.ToJs(t_engine!, JsonNode.Parse(text))));
        return engine;
    }

    [GeneratedRegex(@"\bvariables\s*[\.\[]")]
    private static partial Regex VariablesProxyPattern();

    [GeneratedRegex(@"(?<![\w$])input\s*[\.\[]")]
    private static partial Regex InputProxyPattern();
}
