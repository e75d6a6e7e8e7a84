using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class ExpressionSyntaxTests
{
    private static async Task<(EngineHarness Harness, WorkflowState State)> WriteAsync(string textExpressionType, string value, string variables = "", Dictionary<string, JsonNode?>? input = null)
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(
            Flowchart(Activity("Write1", "Elsa.WriteLine", Expression("text", textExpressionType, value, "String")), variables: variables, inputs: """{ "name": "Name", "type": "String" }"""),
            input);
        return (h, state);
    }

    [Fact]
    public async Task Literal_Text_IsUsedAsIs()
    {
        var (h, _) = await WriteAsync("Literal", "{{ not a template }}");

        Assert.Equal(["{{ not a template }}"], h.Output.Lines);
    }

    [Fact]
    public async Task Object_JsonText_IsParsedIntoObject()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            Activity("Out1", "Elsa.SetOutput", Literal("outputName", "Ci") + "," + Expression("outputValue", "Object", """{ "name": "web01", "tags": ["prod"] }"""))));

        Assert.Equal("web01", state.Output["Ci"]!["name"]!.GetValue<string>());
        Assert.Equal("prod", state.Output["Ci"]!["tags"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Variable_Name_ReadsVariable()
    {
        var (h, _) = await WriteAsync("Variable", "Greeting", Variable("Greeting", "String", "hello"));

        Assert.Equal(["hello"], h.Output.Lines);
    }

    [Fact]
    public async Task Input_Name_ReadsWorkflowInput()
    {
        var (h, _) = await WriteAsync("Input", "Name", input: new() { ["Name"] = "Ada" });

        Assert.Equal(["Ada"], h.Output.Lines);
    }

    [Theory]
    [InlineData("setCounter(getCounter() + 1); return 'counter=' + getCounter();", "counter=6")]
    [InlineData("variables.Counter = variables.Counter * 2; return 'counter=' + variables.Counter;", "counter=10")]
    [InlineData("'hi ' + getInput('Name') + '/' + getName()", "hi Ada/Ada")]
    [InlineData("return 'early'; 'late'", "early")]
    public async Task JavaScript_Helpers_ReadAndWriteScope(string script, string expected)
    {
        var (h, _) = await WriteAsync("JavaScript", script, Variable("Counter", "Int32", "5"), new() { ["Name"] = "Ada" });

        Assert.Equal([expected], h.Output.Lines);
    }

    [Fact]
    public async Task JavaScript_OutputHelper_ReadsEarlierActivityOutput()
    {
        var h = new EngineHarness();
        await h.StartAsync(Flowchart(
            """{ "id": "Script1", "name": "Calc", "type": "Elsa.RunJavaScript", "version": 1, "script": { "typeName": "String", "expression": { "type": "Literal", "value": "21 * 2" } } }"""
                + "," + WriteLineJs("Write1", "getResultFromCalc() + '/' + getResultFromScript1()"),
            Connect("Script1", "Write1")));

        Assert.Equal(["42/42"], h.Output.Lines);
    }

    [Fact]
    public async Task Liquid_Template_SeesVariablesInputAndWorkflow()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(
            Flowchart(Activity("Write1", "Elsa.WriteLine", Expression("text", "Liquid", "{{ Variables.Greeting }} {{ Input.Name }} from {{ Workflow.DefinitionId }}", "String")),
                variables: Variable("Greeting", "String", "hello"), inputs: """{ "name": "Name", "type": "String" }"""),
            new Dictionary<string, JsonNode?> { ["Name"] = "Ada" });

        Assert.Equal(["hello Ada from test"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Theory]
    [InlineData("CSharp", "C# expressions are not supported")]
    [InlineData("Python", "Python expressions are not supported")]
    public async Task UnsandboxableSyntax_Compiled_RefusedWithPlanIssueSayingWhy(string syntax, string message)
    {
        var h = new EngineHarness();
        var definition = h.Load(Flowchart(Activity("Write1", "Elsa.WriteLine", Expression("text", syntax, "\"hi\"", "String"))));

        var plan = await h.Runtime.GetPlanAsync(definition, TestContext.Current.CancellationToken);
        var state = (await h.Runtime.StartAsync(definition.DefinitionId, cancellationToken: TestContext.Current.CancellationToken)).State;

        var issue = Assert.Single(plan.Issues);
        Assert.Equal("Write1", issue.ActivityId);
        Assert.Contains(message, issue.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be sandboxed", issue.Message, StringComparison.Ordinal);
        Assert.Contains(message, Assert.Single(state.Incidents).Message, StringComparison.Ordinal);
        Assert.Empty(h.Output.Lines);
    }
}
