using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class RunJavaScriptTests
{
    [Fact]
    public async Task RunJavaScript_ReturnsValue_ValueIsResultOutput()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            Activity("Script1", "Elsa.RunJavaScript", Literal("script", "const a = 6; return a * 7;") + "," + OutputTo("result", "Answer"))
                + "," + WriteLineJs("After", "'answer=' + getAnswer()"),
            Connect("Script1", "After"),
            variables: Variable("Answer")));

        Assert.Equal(["answer=42"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Theory]
    [InlineData("setOutcome('No')", new[] { "no" })]
    [InlineData("setOutcomes(['Yes', 'No'])", new[] { "no", "yes" })]
    public async Task RunJavaScript_SetOutcome_FollowsChosenOutcomes(string script, string[] expected)
    {
        var h = new EngineHarness();
        await h.StartAsync(Flowchart(
            string.Join(",",
                Activity("Script1", "Elsa.RunJavaScript", Literal("script", script) + """, "possibleOutcomes": ["Yes", "No"]"""),
                WriteLine("WYes", "yes"), WriteLine("WNo", "no"), WriteLine("WDone", "done")),
            string.Join(",", Connect("Script1", "WYes", "Yes"), Connect("Script1", "WNo", "No"), Connect("Script1", "WDone", "Done"))));

        Assert.Equal(expected, h.Output.Lines.Order());
    }

    [Fact]
    public async Task RunJavaScript_ScriptThrows_FaultsWithScriptMessage()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(Activity("Script1", "Elsa.RunJavaScript", Literal("script", "throw new Error('no approver found');"))));

        Assert.Contains("no approver found", Assert.Single(state.Incidents).Message);
        Assert.Equal(WorkflowSubStatus.Faulted, state.SubStatus);
    }
}
