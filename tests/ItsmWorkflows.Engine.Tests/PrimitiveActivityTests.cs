using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class PrimitiveActivityTests
{
    private static async Task<(EngineHarness Harness, WorkflowState State)> RunAsync(string activities, string connections = "", string variables = "", string outputs = "")
    {
        var harness = new EngineHarness();
        var definition = harness.Load(Flowchart(activities, connections, variables, outputs: outputs));
        return (harness, await harness.RunUntilEndAsync(definition.DefinitionId));
    }

    private static string Write(string id, string text) => Activity(id, "Elsa.WriteLine", Literal("text", text));

    [Fact]
    public async Task Start_FlowsToItsSuccessor()
    {
        var (h, s) = await RunAsync(Activity("S", "Elsa.Start") + "," + Write("W", "after start"), Connect("S", "W"));
        Assert.Equal(["after start"], h.Output.Lines);
        Assert.Equal(WorkflowSubStatus.Finished, s.SubStatus);
    }

    [Fact]
    public async Task End_CompletesTheFlowchartAndCancelsOtherPaths()
    {
        // Start forks to End and to a Delay; End completes the flowchart, so the delay never fires.
        var (h, s) = await RunAsync(
            Activity("S", "Elsa.Start") + "," + Activity("E", "Elsa.End") + "," + Activity("D", "Elsa.Delay", Literal("timeSpan", "01:00:00", "TimeSpan")) + "," + Write("W", "too late"),
            Connect("S", "D") + "," + Connect("S", "E") + "," + Connect("D", "W"));
        Assert.Equal(WorkflowSubStatus.Finished, s.SubStatus);
        Assert.Empty(h.Output.Lines);
        Assert.Empty(s.Bookmarks);
        Assert.Contains(s.Journal, j => j.ActivityId == "D" && j.Event == JournalEvent.Cancelled);
    }

    [Fact]
    public async Task Finish_EndsTheWholeInstance()
    {
        var body = """ "body": { "type": "Elsa.Flowchart", "id": "Inner", "activities": [ { "id": "F", "type": "Elsa.Finish" } ], "connections": [] } """;
        var (h, s) = await RunAsync(Activity("N", "Elsa.FlowNode", body) + "," + Write("W", "never"), Connect("N", "W"));
        Assert.Equal(WorkflowStatus.Finished, s.Status);
        Assert.Empty(h.Output.Lines);
    }

    [Fact]
    public async Task Fault_RecordsAnIncident_AndRetryExecutesTheActivityAgain()
    {
        var harness = new EngineHarness();
        var definition = harness.Load(Flowchart(
            Activity("F", "Elsa.Fault", Literal("message", "disk full") + "," + Literal("code", "E42") + "," + Literal("category", "storage")) + "," + Write("W", "after"),
            Connect("F", "W")));
        var state = (await harness.Runtime.StartAsync(definition.DefinitionId, cancellationToken: TestContext.Current.CancellationToken)).State;
        Assert.Equal(WorkflowStatus.Running, state.Status);
        Assert.Equal(WorkflowSubStatus.Faulted, state.SubStatus);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal(("F", "E42", "storage: disk full"), (incident.ActivityId, incident.Code, incident.Message));

        state = (await harness.Runtime.RetryAsync(state.InstanceId, incident.Id, TestContext.Current.CancellationToken)).State;
        Assert.Equal(2, state.Journal.Count(j => j.ActivityId == "F" && j.Event == JournalEvent.Faulted));
        Assert.Single(state.Journal, j => j.ActivityId == "F" && j.Event == JournalEvent.Retried);
        Assert.Equal(2, state.Incidents.Count);
        Assert.NotNull(state.Incidents[0].ResolvedAt);
    }

    [Fact]
    public async Task Retry_AfterTheCauseIsGone_Continues()
    {
        // A decision reads a variable that a script sets only after the first failure.
        var harness = new EngineHarness();
        var definition = harness.Load(Flowchart(
            Activity("J", "Elsa.RunJavaScript", Literal("script", "if (getTries() < 1) { setTries(getTries() + 1); throw new Error('not yet'); } return 'ok';")) + "," + Write("W", "continued"),
            Connect("J", "W"), """{ "id": "t", "name": "Tries", "typeName": "Int32", "value": "0" }"""));
        var state = (await harness.Runtime.StartAsync(definition.DefinitionId, cancellationToken: TestContext.Current.CancellationToken)).State;
        Assert.Equal(WorkflowSubStatus.Faulted, state.SubStatus);
        Assert.Contains("not yet", state.Incidents[0].Message);
        // The failed burst's variable change is part of the state saved with the incident; the retry sees Tries = 1.
        state = (await harness.Runtime.RetryAsync(state.InstanceId, state.Incidents[0].Id, TestContext.Current.CancellationToken)).State;
        Assert.Equal(WorkflowSubStatus.Finished, state.SubStatus);
        Assert.Equal(["continued"], harness.Output.Lines);
    }

    [Fact]
    public async Task SetVariable_ConvertsToTheVariableType()
    {
        var (_, s) = await RunAsync(
            Activity("S", "Elsa.SetVariable", """ "variable": { "id": "n", "name": "Count", "typeName": "Int32" }, """ + Literal("value", "17", "Object")),
            variables: """{ "id": "n", "name": "Count", "typeName": "Int32", "value": "0" }""");
        Assert.Equal(17, s.Variables["Count"]!.GetValue<long>());
    }

    [Fact]
    public async Task SetVariable_WithAValueOfTheWrongType_Faults()
    {
        var (_, s) = await RunAsync(
            Activity("S", "Elsa.SetVariable", """ "variable": { "id": "n", "name": "Count", "typeName": "Int32" }, """ + Literal("value", "seventeen", "Object")),
            variables: """{ "id": "n", "name": "Count", "typeName": "Int32", "value": "0" }""");
        Assert.Contains("Variable 'Count'", Assert.Single(s.Incidents).Message);
    }

    [Fact]
    public async Task SetOutput_SetName_Correlate()
    {
        var (_, s) = await RunAsync(
            string.Join(",",
                Activity("O", "Elsa.SetOutput", Literal("outputName", "Result") + "," + Literal("outputValue", "done", "Object")),
                Activity("N", "Elsa.SetName", Literal("value", "Laptop for Alice")),
                Activity("C", "Elsa.Correlate", Literal("correlationId", "REQ-0042"))),
            Connect("O", "N") + "," + Connect("N", "C"),
            outputs: """{ "name": "Result", "type": "String" }""");
        Assert.Equal("done", s.Output["Result"]!.GetValue<string>());
        Assert.Equal("Laptop for Alice", s.Name);
        Assert.Equal("REQ-0042", s.CorrelationId);
    }

    [Fact]
    public async Task Complete_GivesADefinitionUsedAsAnActivityItsOutcome()
    {
        var harness = new EngineHarness();
        harness.Definitions.Add(Engine.Definitions.WorkflowDefinitionJson.Parse("""
            { "id": "c1", "definitionId": "check", "name": "Check Stock", "outcomes": ["InStock", "OutOfStock"],
              "root": { "type": "Elsa.Flowchart", "id": "CF", "activities": [
                { "id": "Done1", "type": "Elsa.Complete", "outcomes": { "typeName": "Object", "expression": { "type": "Literal", "value": "OutOfStock" } } } ], "connections": [] } }
            """));
        var parent = harness.Load(Flowchart(
            Activity("Check1", "CheckStock", """ "workflowDefinitionId": "check" """) + "," + Write("Yes", "ship") + "," + Write("No", "order more"),
            Connect("Check1", "Yes", "InStock") + "," + Connect("Check1", "No", "OutOfStock"), definitionId: "parent"));
        var state = await harness.RunUntilEndAsync(parent.DefinitionId);
        Assert.Equal(WorkflowSubStatus.Finished, state.SubStatus);
        Assert.Equal(["order more"], harness.Output.Lines);
    }

    [Fact]
    public async Task Journal_RecordsStartedAndCompletedWithOutcomesAndTime()
    {
        var (h, s) = await RunAsync(Activity("D", "Elsa.FlowDecision", Js("condition", "1 > 2", "Boolean")) + "," + Write("W", "no"), Connect("D", "W", "False"));
        var decision = s.Journal.Where(j => j.ActivityId == "D").ToList();
        Assert.Equal([JournalEvent.Started, JournalEvent.Completed], decision.Select(j => j.Event));
        Assert.Equal(["False"], decision[1].Outcomes!);
        Assert.Equal(h.Clock.GetUtcNow(), decision[1].At);
        Assert.Equal(Enumerable.Range(1, s.Journal.Count).Select(i => (long)i), s.Journal.Select(j => j.Sequence));
    }
}
