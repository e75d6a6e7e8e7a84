using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class PrimitiveActivitiesTests
{
    [Fact]
    public async Task Start_ConnectedToWriteLine_RunsPathAndFinishes()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            Activity("Start1", "Elsa.Start") + "," + WriteLine("Write1", "hello"),
            Connect("Start1", "Write1")));

        Assert.Equal(["hello"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(WorkflowSubStatus.Finished, state.SubStatus);
        Assert.Contains(state.Journal, j => j.ActivityId == "Start1" && j.Event == JournalEvent.Completed);
    }

    [Fact]
    public async Task End_WhileOtherPathWaits_CancelsThatPathAndFinishesFlowchart()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            string.Join(",",
                Activity("Fork1", "Elsa.FlowFork", """ "branches": { "typeName": "String[]", "expression": { "type": "Object", "value": "[\"A\",\"B\"]" } } """),
                WriteLine("WriteA", "a"),
                Activity("End1", "Elsa.End"),
                Activity("Event1", "Elsa.Event", Literal("eventName", "never")),
                WriteLine("WriteB", "b")),
            string.Join(",", Connect("Fork1", "WriteA", "A"), Connect("WriteA", "End1"), Connect("Fork1", "Event1", "B"), Connect("Event1", "WriteB"))));

        Assert.Equal(["a"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Empty(state.Bookmarks);
        Assert.Contains(state.Journal, j => j.ActivityId == "Event1" && j.Event == JournalEvent.Cancelled);
    }

    [Fact]
    public async Task End_InNestedFlowchart_CompletesOnlyThatFlowchart()
    {
        var h = new EngineHarness();
        var inner = """
            { "id": "Inner", "type": "Elsa.Flowchart", "version": 1,
              "activities": [ { "id": "InnerEnd", "type": "Elsa.End", "version": 1 }, { "id": "InnerWrite", "type": "Elsa.WriteLine", "version": 1, "text": { "typeName": "String", "expression": { "type": "Literal", "value": "unreached" } } } ],
              "connections": [ { "source": { "activity": "InnerEnd", "port": "Done" }, "target": { "activity": "InnerWrite", "port": "In" } } ] }
            """;
        var state = await h.StartAsync(Flowchart(inner + "," + WriteLine("After", "after"), Connect("Inner", "After")));

        Assert.Equal(["after"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Finish_WhileOtherPathWaits_FinishesInstanceAndDropsBookmarks()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            string.Join(",",
                Activity("Fork1", "Elsa.FlowFork", """ "branches": { "typeName": "String[]", "expression": { "type": "Object", "value": "[\"A\",\"B\"]" } } """),
                Activity("Event1", "Elsa.Event", Literal("eventName", "never")),
                Activity("Finish1", "Elsa.Finish"),
                WriteLine("WriteB", "b")),
            string.Join(",", Connect("Fork1", "Event1", "A"), Connect("Fork1", "Finish1", "B"), Connect("Event1", "WriteB"))));

        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(WorkflowSubStatus.Finished, state.SubStatus);
        Assert.Empty(state.Bookmarks);
        Assert.Empty(h.Output.Lines);
        Assert.Contains(state.Journal, j => j.ActivityId == "Finish1" && j.Event == JournalEvent.Completed);
    }

    [Theory]
    [InlineData("Rejected", "no")]
    [InlineData("Approved", "yes")]
    public async Task Complete_InDefinitionUsedAsActivity_ParentFollowsItsOutcome(string outcome, string expected)
    {
        var h = new EngineHarness();
        h.Load(Flowchart(
            Activity("Complete1", "Elsa.Complete", Literal("outcomes", outcome, "Object")) + "," + WriteLine("Unreached", "child continued"),
            Connect("Complete1", "Unreached"),
            definitionId: "approve", name: "Approve Change", outcomes: "\"Approved\", \"Rejected\""));
        var state = await h.StartAsync(Flowchart(
            string.Join(",", Activity("Approve1", "ApproveChange"), WriteLine("Yes", "yes"), WriteLine("No", "no")),
            string.Join(",", Connect("Approve1", "Yes", "Approved"), Connect("Approve1", "No", "Rejected"))));

        Assert.Equal([expected], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Contains(state.Journal, j => j.ActivityId == "Approve1" && j.Event == JournalEvent.Completed && j.Outcomes!.Contains(outcome));
    }

    [Fact]
    public async Task Fault_Executed_RecordsIncidentAndStopsAsFaulted()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            Activity("Fault1", "Elsa.Fault", Literal("message", "disk full") + "," + Literal("code", "E42")) + "," + WriteLine("After", "after"),
            Connect("Fault1", "After")));

        var incident = Assert.Single(state.Incidents);
        Assert.Equal("Fault1", incident.ActivityId);
        Assert.Equal("disk full", incident.Message);
        Assert.Equal("E42", incident.Code);
        Assert.Null(incident.ResolvedAt);
        Assert.Equal(WorkflowStatus.Running, state.Status);
        Assert.Equal(WorkflowSubStatus.Faulted, state.SubStatus);
        Assert.Empty(h.Output.Lines);
    }

    [Fact]
    public async Task Fault_Retried_ExecutesTheFaultedActivityAgain()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(Activity("Fault1", "Elsa.Fault", Literal("message", "still broken"))));

        var retried = (await h.Runtime.RetryAsync(state.InstanceId, state.Incidents[0].Id, cancellationToken: TestContext.Current.CancellationToken)).State;

        Assert.Equal(2, retried.Incidents.Count);
        Assert.NotNull(retried.Incidents[0].ResolvedAt);
        Assert.Null(retried.Incidents[1].ResolvedAt);
        Assert.Equal(WorkflowSubStatus.Faulted, retried.SubStatus);
        Assert.Equal(
            [JournalEvent.Started, JournalEvent.Faulted, JournalEvent.Retried, JournalEvent.Started, JournalEvent.Faulted],
            retried.Journal.Where(j => j.ActivityId == "Fault1").Select(j => j.Event));
    }

    [Fact]
    public async Task RetryAsync_ActivityThatNowSucceeds_ContinuesWhereInstanceStopped()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            WriteLineJs("Flaky", "const n = (getAttempts() ?? 0) + 1; setAttempts(n); if (n < 2) throw new Error('first attempt fails'); return 'attempt ' + n;")
                + "," + WriteLine("After", "after"),
            Connect("Flaky", "After"),
            variables: Variable("Attempts", "Int32")));
        Assert.Equal(WorkflowSubStatus.Faulted, state.SubStatus);
        Assert.Contains("first attempt fails", state.Incidents[0].Message);

        var retried = (await h.Runtime.RetryAsync(state.InstanceId, state.Incidents[0].Id, cancellationToken: TestContext.Current.CancellationToken)).State;

        Assert.Equal(["attempt 2", "after"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, retried.Status);
        Assert.Equal(WorkflowSubStatus.Finished, retried.SubStatus);
    }

    [Fact]
    public async Task SetVariable_Int32Variable_ConvertsTextToNumber()
    {
        var h = new EngineHarness();
        await h.StartAsync(Flowchart(
            Activity("Set1", "Elsa.SetVariable", """ "variable": { "id": "CountId", "name": "Count", "typeName": "Int32" }, """ + Literal("value", "41", "Object"))
                + "," + WriteLineJs("Write1", "typeof getCount() + ':' + (getCount() + 1)"),
            Connect("Set1", "Write1"),
            variables: Variable("Count", "Int32")));

        Assert.Equal(["number:42"], h.Output.Lines);
    }

    [Fact]
    public async Task SetVariable_ValueNotAnInt32_FaultsNamingTheVariable()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            Activity("Set1", "Elsa.SetVariable", """ "variable": { "id": "CountId", "name": "Count", "typeName": "Int32" }, """ + Literal("value", "many", "Object")),
            variables: Variable("Count", "Int32")));

        var incident = Assert.Single(state.Incidents);
        Assert.Contains("Count", incident.Message);
        Assert.Equal(WorkflowSubStatus.Faulted, state.SubStatus);
    }

    [Fact]
    public async Task SetOutput_Executed_SetsWorkflowOutput()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            Activity("Out1", "Elsa.SetOutput", Literal("outputName", "Total") + "," + Js("outputValue", "6 * 7"))));

        Assert.Equal("42", state.Output["Total"]!.ToJsonString());
    }

    [Fact]
    public async Task SetName_Executed_SetsInstanceName()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(Activity("Name1", "Elsa.SetName", Js("value", "'Ticket ' + (40 + 2)", "String"))));

        Assert.Equal("Ticket 42", state.Name);
    }

    [Fact]
    public async Task Correlate_Executed_SetsCorrelationIdThatEventsMatch()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            string.Join(",", Activity("Correlate1", "Elsa.Correlate", Literal("correlationId", "INC-7")), Activity("Event1", "Elsa.Event", Literal("eventName", "closed")), WriteLine("Done1", "closed")),
            string.Join(",", Connect("Correlate1", "Event1"), Connect("Event1", "Done1"))));
        Assert.Equal("INC-7", state.CorrelationId);

        var other = await h.Runtime.TriggerEventAsync("closed", "INC-8", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Empty(other);
        var results = await h.Runtime.TriggerEventAsync("closed", "INC-7", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(WorkflowStatus.Finished, Assert.Single(results).State.Status);
        Assert.Equal(["closed"], h.Output.Lines);
    }

    [Fact]
    public async Task WriteLine_TextExpression_WritesEvaluatedText()
    {
        var h = new EngineHarness();
        await h.StartAsync(Flowchart(WriteLineJs("Write1", "'sum=' + (1 + 2)")));

        Assert.Equal(["sum=3"], h.Output.Lines);
    }
}
