using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>Every expression syntax, the script helpers Elsa workflows use, and the JavaScript sandbox.</summary>
public sealed class ExpressionTests
{
    private const string CounterVariable = """{ "id": "v1", "name": "Counter", "typeName": "Int32", "value": "41" }""";

    private const string WhoInput = """{ "name": "Who", "type": "String" }""";

    private static async Task<(EngineHarness Harness, WorkflowState State)> RunAsync(string activities, string connections = "", string variables = "", IDictionary<string, JsonNode?>? input = null)
    {
        var harness = new EngineHarness();
        var definition = harness.Load(Flowchart(activities, connections, variables, inputs: input is null ? "" : WhoInput));
        var state = await harness.RunUntilEndAsync(definition.DefinitionId, input);
        return (harness, state);
    }

    [Theory]
    [InlineData("Literal", "plain text", "plain text")]
    [InlineData("JavaScript", "'a' + 'b'", "ab")]
    [InlineData("JavaScript", "return 6 * 7;", "42")]
    [InlineData("JavaScript", "`template ${1 + 1}`", "template 2")]
    [InlineData("JavaScript", "({ a: 1 }).a", "1")]
    [InlineData("Liquid", "{{ 'liquid' | upcase }}", "LIQUID")]
    public async Task Text_IsEvaluatedInItsSyntax(string syntax, string source, string expected)
    {
        var (harness, state) = await RunAsync(Activity("W", "Elsa.WriteLine", Input("text", syntax, source, "String")));
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal([expected], harness.Output.Lines);
    }

    [Fact]
    public async Task ObjectExpression_IsParsedJson()
    {
        var (_, state) = await RunAsync(
            Activity("S", "Elsa.SetVariable", """ "variable": { "id": "v1", "name": "Data" }, """ + Input("value", "Object", """{ "n": [1, 2] }""")),
            variables: """{ "id": "v1", "name": "Data", "typeName": "Object" }""");
        Assert.Equal(2, state.Variables["Data"]!["n"]![1]!.GetValue<long>());
    }

    [Fact]
    public async Task VariableAndInputExpressions_ReadByName()
    {
        var activities = Activity("W1", "Elsa.WriteLine", Input("text", "Variable", "Counter", "String")) + "," + Activity("W2", "Elsa.WriteLine", Input("text", "Input", "Who", "String"));
        var (harness, _) = await RunAsync(activities, Connect("W1", "W2"), CounterVariable, new Dictionary<string, JsonNode?> { ["Who"] = "Alice" });
        Assert.Equal(["41", "Alice"], harness.Output.Lines);
    }

    [Fact]
    public async Task ScriptHelpers_ReadAndWriteVariablesInputsAndOutputs()
    {
        var activities = string.Join(",",
            Activity("Js1", "Elsa.RunJavaScript", Literal("script", "setCounter(getCounter() + 1); variables.Counter = variables.Counter + 1; return input.Who + ':' + getWho();")),
            Activity("W1", "Elsa.WriteLine", Js("text", "getCounter() + ' ' + getResultFromJs1() + ' ' + getOutputFrom('Js1', 'result') + ' ' + getVariable('Counter')", "String")));
        var (harness, state) = await RunAsync(activities, Connect("Js1", "W1"), CounterVariable, new Dictionary<string, JsonNode?> { ["Who"] = "Bob" });
        Assert.True(state.Status == WorkflowStatus.Finished, string.Join("; ", state.Incidents.Select(i => i.Message)));
        Assert.Equal(["43 Bob:Bob Bob:Bob 43"], harness.Output.Lines);
        Assert.Equal(43, state.Variables["Counter"]!.GetValue<long>());
    }

    [Fact]
    public async Task ScriptHelpers_CorrelationAndInstance()
    {
        var (harness, state) = await RunAsync(Activity("Js1", "Elsa.RunJavaScript", Literal("script", "setCorrelationId('CHG-7'); setWorkflowInstanceName('Change 7');"))
            + "," + Activity("W", "Elsa.WriteLine", Js("text", "getCorrelationId() + '/' + (getWorkflowInstanceId().length > 0)", "String")), Connect("Js1", "W"));
        Assert.Equal("CHG-7", state.CorrelationId);
        Assert.Equal("Change 7", state.Name);
        Assert.Equal(["CHG-7/true"], harness.Output.Lines);
    }

    [Fact]
    public async Task LiquidTemplate_SeesVariablesInputAndWorkflow()
    {
        var (harness, _) = await RunAsync(
            Activity("W", "Elsa.WriteLine", Input("text", "Liquid", "{{ Variables.Counter | plus: 1 }} for {{ Input.Who }} in {{ Workflow.DefinitionId }}", "String")),
            variables: CounterVariable, input: new Dictionary<string, JsonNode?> { ["Who"] = "Carol" });
        Assert.Equal(["42 for Carol in test"], harness.Output.Lines);
    }

    [Theory]
    [InlineData("while (true) {}", "more than")]
    [InlineData("function f() { return f(); } f();", "recursed deeper")]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd')", "System is not defined")]
    [InlineData("eval('1 + 1')", "Script error")]
    [InlineData("new Function('return 1')()", "Script error")]
    [InlineData("leaked = 1", "leaked is not defined")]
    public async Task Sandbox_StopsTheScriptWithAClearIncident(string script, string expected)
    {
        var (_, state) = await RunAsync(Activity("Js1", "Elsa.RunJavaScript", Literal("script", script)));
        Assert.Equal(WorkflowSubStatus.Faulted, state.SubStatus);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal("Js1", incident.ActivityId);
        Assert.Contains(expected, incident.Message);
    }

    [Fact]
    public async Task Sandbox_DeclarationsDoNotLeakIntoTheNextScript()
    {
        var activities = Activity("Js1", "Elsa.RunJavaScript", Literal("script", "var secret = 'x'; function helper() { return 1; }"))
            + "," + Activity("W", "Elsa.WriteLine", Js("text", "typeof secret + ' ' + typeof helper", "String"));
        var (harness, _) = await RunAsync(activities, Connect("Js1", "W"));
        Assert.Equal(["undefined undefined"], harness.Output.Lines);
    }

    [Fact]
    public async Task InputOfTheWrongType_FaultsNamingTheInput()
    {
        var (_, state) = await RunAsync(Activity("D", "Elsa.Delay", Js("timeSpan", "'soon'", "TimeSpan")));
        Assert.True(state.Incidents.Count == 1, $"{state.Status}/{state.SubStatus} {string.Join(",", state.Journal.Select(j => j.ActivityId + ":" + j.Event))}");
        var incident = state.Incidents[0];
        Assert.Contains("timeSpan", incident.Message);
        Assert.Contains("not a duration", incident.Message);
    }
}
