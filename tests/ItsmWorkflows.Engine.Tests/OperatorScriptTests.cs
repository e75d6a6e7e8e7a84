using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Expressions;
using Xunit;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>
/// Expressions of operators over values are evaluated without an engine (OperatorScript): each must give exactly
/// what Jint gives for the same script and values, hand to Jint whatever it does not cover, and be used only where
/// it applies.
/// </summary>
public sealed class OperatorScriptTests
{
    private sealed class Scope(Dictionary<string, JsonNode?> variables) : IExpressionScope
    {
        public Dictionary<string, JsonNode?> InputValues { get; } = new() { ["Who"] = "Ann", ["Count"] = 3 };

        public bool TryGetVariable(string name, out JsonNode? value)
        {
            var found = variables.TryGetValue(name, out var stored);
            value = stored?.DeepClone();
            return found;
        }

        public void SetVariable(string name, JsonNode? value) => throw new InvalidOperationException("An expression of operators never writes.");

        public JsonNode? GetInput(string name) => InputValues.GetValueOrDefault(name)?.DeepClone();

        public IReadOnlyDictionary<string, JsonNode?> Inputs => InputValues;

        public IEnumerable<KeyValuePair<string, JsonNode?>> VisibleVariables => variables;

        public JsonNode? GetActivityOutput(string activity, string output) => activity == "Js1" && output == "result"
            ? JsonValue.Create(7)
            : throw new ExpressionEvaluationException($"There is no activity '{activity}' with an output '{output}'.");

        public WorkflowState Instance => throw new InvalidOperationException("Not used by these expressions.");

        public DateTimeOffset Now => DateTimeOffset.UnixEpoch;

        public List<string>? ScriptOutcomes { get; set; }
    }

    private static ScriptHelperCatalog Helpers()
    {
        var helpers = new ScriptHelperCatalog();
        foreach (var name in new[] { "A", "B", "Obj", "Amount" }) helpers.AddVariable(name);
        helpers.AddInput("Who");
        helpers.AddActivityOutput("Js1", "result");
        return helpers;
    }

    private static readonly string[] Values =
    [
        "1200", "0", "-0.5", "0.1", "1e21", "9007199254740993", "\"12\"", "\" 7 \"", "\"abc\"", "\"\"", "\"0x10\"", "\"B\"", "\"a\"", "true", "false", "null",
    ];

    public static TheoryData<string> OperatorExpressions() =>
    [
        "getA() + getB()", "getA() - getB()", "getA() * getB()", "getA() / getB()", "getA() % getB()",
        "getA() > getB()", "getA() >= getB()", "getA() < getB()", "getA() <= getB()",
        "getA() == getB()", "getA() != getB()", "getA() === getB()", "getA() !== getB()",
        "getA() && getB()", "getA() || getB()", "getA() ?? getB()", "getA() ? 'yes' : 'no'",
        "!getA()", "-getA()", "+getA()", "typeof getA()", "getA() + 'x' + getB()", "getA() + getB() + getA()",
        "getVariable('A') + 1", "getVariable('Missing')", "getVariable('Missing') === undefined", "getVariable('Missing') + 1",
        "(getA() > 1000) && (getB() < 500) || getB() == null",
    ];

    [Theory]
    [MemberData(nameof(OperatorExpressions))]
    public void OperatorExpression_GivesWhatTheEngineGives_ForEveryKindOfValue(string script)
    {
        var expression = JavaScriptRuntime.PrepareExpression(script, Helpers());
        Assert.True(expression.RunsWithoutEngine);
        foreach (var a in Values)
        {
            foreach (var b in Values)
            {
                var scope = new Scope(new() { ["A"] = JsonNode.Parse(a), ["B"] = JsonNode.Parse(b) });
                var engine = Outcome(() => expression.EvaluateWithEngine(scope));
                var operators = Outcome(() => expression.Evaluate(scope));
                Assert.True(engine == operators, $"{script} with A = {a}, B = {b}: the engine gives {engine}, without it {operators}");
            }
        }
    }

    [Theory]
    [InlineData("1 / 0")]
    [InlineData("-1 / 0 + ''")]
    [InlineData("0 / 0")]
    [InlineData("0.1 * 3 + ''")]
    [InlineData("1e21 + ''")]
    [InlineData("123456789012345680000 + 1")]
    [InlineData("-0 + ''")]
    [InlineData("null + 1")]
    [InlineData("undefined + 1")]
    [InlineData("'5' * '2'")]
    [InlineData("true + true")]
    [InlineData("'B' < 'a'")]
    [InlineData("'é' > 'z'")]
    [InlineData("null == 0")]
    [InlineData("null >= 0")]
    [InlineData("undefined == null")]
    [InlineData("NaN == NaN")]
    [InlineData("Infinity - Infinity")]
    [InlineData("'abc' == 0")]
    [InlineData("'' == 0")]
    [InlineData("' 12 ' == 12")]
    [InlineData("'1e3' == 1000")]
    [InlineData("-7 % 3")]
    [InlineData("7.5 % -2")]
    [InlineData("typeof null")]
    [InlineData("getInput('Who') + '!'")]
    [InlineData("getWho() + getInput('Count')")]
    [InlineData("getInput('Nobody')")]
    [InlineData("getOutputFrom('Js1', 'result') + 1")]
    [InlineData("getResultFromJs1() * 2")]
    [InlineData("'use strict'")]
    [InlineData("\"just text\"")]
    [InlineData("42")]
    public void Constants_Reads_AndJavaScriptsCorners_AreTheEngines(string script)
    {
        var expression = JavaScriptRuntime.PrepareExpression(script, Helpers());
        Assert.Equal(script != "'use strict'", expression.RunsWithoutEngine);
        var scope = new Scope([]);
        Assert.Equal(Outcome(() => expression.EvaluateWithEngine(scope)), Outcome(() => expression.Evaluate(scope)));
    }

    [Theory]
    [InlineData("getA().toString()")]
    [InlineData("Math.max(1, 2)")]
    [InlineData("getA() + 1; getB()")]
    [InlineData("`total ${getA()}`")]
    [InlineData("setA(1)")]
    [InlineData("getA() ** 2")]
    [InlineData("getA() | 0")]
    [InlineData("someGlobal")]
    [InlineData("getA(1)")]
    [InlineData("getVariable(getB())")]
    [InlineData("getVariable('A', 'B')")]
    [InlineData("return getA();")]
    [InlineData("variables.A")]
    [InlineData("getA() in getB()")]
    [InlineData("getA?.()")]
    [InlineData("get\\u0041()")]
    public void AnythingElse_IsLeftToTheEngine(string script) =>
        Assert.False(JavaScriptRuntime.PrepareExpression(script, Helpers()).RunsWithoutEngine);

    [Theory]
    [InlineData("getObj()")]
    [InlineData("getObj() + 1")]
    [InlineData("getObj() == '[object Object]'")]
    [InlineData("typeof getObj()")]
    [InlineData("getObj() ? 1 : 2")]
    [InlineData("getOutputFrom('Nope', 'x')")]
    public void ObjectsAndFailures_AreHandedToTheEngine_WhichGivesTheAnswer(string script)
    {
        var expression = JavaScriptRuntime.PrepareExpression(script, Helpers());
        Assert.True(expression.RunsWithoutEngine);
        var scope = new Scope(new() { ["Obj"] = JsonNode.Parse("""{ "n": 1, "tags": ["a"] }""") });
        Assert.Equal(Outcome(() => expression.EvaluateWithEngine(scope)), Outcome(() => expression.Evaluate(scope)));
    }

    [Fact]
    public void AHelperSpelledWithEscapes_IsNotDeclared_AsTheEngineSays()
    {
        var expression = JavaScriptRuntime.PrepareExpression("get\\u0041() + 1", Helpers());
        var scope = new Scope(new() { ["A"] = 5 });
        var outcome = Outcome(() => expression.Evaluate(scope));
        Assert.StartsWith("error: ", outcome, StringComparison.Ordinal);
        Assert.Equal(Outcome(() => expression.EvaluateWithEngine(scope)), outcome);
    }

    [Theory]
    [InlineData("getA() < 'y' && getA() < 'y' && getA() < 'y' && getB()")]
    [InlineData("(getA() + getA() == 'x') + getB()")]
    public void LargeTextReadOrBuilt_IsTheEnginesToJudge_AgainstItsMemoryLimit(string script)
    {
        var expression = JavaScriptRuntime.PrepareExpression(script, Helpers());
        Assert.True(expression.RunsWithoutEngine);
        // Parsed, as a stored state is: each read decodes the text again, and the engine counts what that allocates.
        var scope = new Scope(new() { ["A"] = JsonNode.Parse("\"" + new string('x', 3_000_000) + "\""), ["B"] = 1 });
        var engine = Outcome(() => expression.EvaluateWithEngine(scope));
        Assert.Equal(engine, Outcome(() => expression.Evaluate(scope)));
        Assert.Contains("memory", engine, StringComparison.Ordinal);
    }

    [Fact]
    public void AStringPastTheMemoryLimit_EndsAsTheEnginesDoes()
    {
        var expression = JavaScriptRuntime.PrepareExpression("getA() + getA()", Helpers());
        var scope = new Scope(new() { ["A"] = new string('x', (int)(JavaScriptRuntime.MaxStringChars / 2) + 1) });
        var outcome = Outcome(() => expression.Evaluate(scope));
        Assert.StartsWith("error: ", outcome, StringComparison.Ordinal);
        Assert.Equal(Outcome(() => expression.EvaluateWithEngine(scope)), outcome);
    }

    private static string Outcome(Func<JsonNode?> evaluate)
    {
        try
        {
            return evaluate()?.ToJsonString() ?? "null";
        }
        catch (ExpressionEvaluationException ex)
        {
            return "error: " + ex.Message;
        }
    }
}
