using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class WorkflowStateJsonTests
{
    private static readonly string Definition = Flowchart(
        string.Join(",",
            Activity("Set1", "Elsa.SetVariable", """ "variable": { "id": "CountId", "name": "Count", "typeName": "Int32" }, """ + Literal("value", "3", "Object")),
            Activity("Delay1", "Elsa.Delay", Literal("timeSpan", "00:05:00", "TimeSpan")),
            Activity("Event1", "Elsa.Event", Literal("eventName", "go") + "," + OutputTo("result", "Payload")),
            WriteLineJs("After", "getCount() + ':' + getPayload().who")),
        string.Join(",", Connect("Set1", "Delay1"), Connect("Delay1", "Event1"), Connect("Event1", "After")),
        variables: Variable("Count", "Int32") + "," + Variable("Payload"));

    [Fact]
    public async Task Serialize_SuspendedInstance_RoundTripsUnchanged()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Definition, correlationId: "INC-3");

        var json = WorkflowStateJson.Serialize(state);
        var copy = WorkflowStateJson.Deserialize(json);

        Assert.Equal(json, WorkflowStateJson.Serialize(copy));
        Assert.Equal(state.CorrelationId, copy.CorrelationId);
        Assert.Equal(state.Bookmarks[0].DueAt, copy.Bookmarks[0].DueAt);
        Assert.Equal(state.Frames.Keys.Order(), copy.Frames.Keys.Order());
        Assert.Contains("\"subStatus\":\"Suspended\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("$type", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deserialize_SuspendedInstance_ResumesToTheEnd()
    {
        var h = new EngineHarness();
        var definition = h.Load(Definition);
        var plan = await h.Runtime.GetPlanAsync(definition, TestContext.Current.CancellationToken);
        var started = (await h.Runtime.StartAsync(definition.DefinitionId, cancellationToken: TestContext.Current.CancellationToken)).State;

        var state = WorkflowStateJson.Deserialize(WorkflowStateJson.Serialize(started));
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await h.Runtime.Runner.ResumeAsync(plan, state, state.Bookmarks[0].Id, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("Elsa.Event", Assert.Single(state.Bookmarks).Name);
        state = WorkflowStateJson.Deserialize(WorkflowStateJson.Serialize(state));
        await h.Runtime.Runner.ResumeAsync(plan, state, state.Bookmarks[0].Id, new JsonObject { ["who"] = "cab" }, TestContext.Current.CancellationToken);

        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(["3:cab"], h.Output.Lines);
    }
}
