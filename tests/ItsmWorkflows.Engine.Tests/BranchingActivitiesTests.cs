using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class BranchingActivitiesTests
{
    private static string Branches(params string[] names) =>
        $$""" "branches": { "typeName": "String[]", "expression": { "type": "Object", "value": {{System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonSerializer.Serialize(names))}} } } """;

    private static string Cases(string mode, params (string Label, string Condition)[] cases) =>
        $$""" "mode": { "typeName": "SwitchMode", "expression": { "type": "Literal", "value": "{{mode}}" } }, "cases": [{{string.Join(",", cases.Select(c =>
            $$"""{ "label": "{{c.Label}}", "condition": { "type": "JavaScript", "value": {{System.Text.Json.JsonSerializer.Serialize(c.Condition)}} } }"""))}}] """;

    [Theory]
    [InlineData(10, "big")]
    [InlineData(1, "small")]
    public async Task FlowDecision_Condition_FollowsTrueOrFalse(int n, string expected)
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(
            Flowchart(
                string.Join(",", Activity("Decide", "Elsa.FlowDecision", Js("condition", "getN() > 5", "Boolean")), WriteLine("Big", "big"), WriteLine("Small", "small")),
                string.Join(",", Connect("Decide", "Big", "True"), Connect("Decide", "Small", "False")),
                inputs: """{ "name": "N", "type": "Int32" }"""),
            new Dictionary<string, JsonNode?> { ["N"] = n });

        Assert.Equal([expected], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Theory]
    [InlineData("MatchFirst", new[] { "a" })]
    [InlineData("MatchAny", new[] { "a", "b" })]
    public async Task FlowSwitch_TwoCasesHold_FollowsFirstOrEvery(string mode, string[] expected)
    {
        var h = new EngineHarness();
        await h.StartAsync(Flowchart(
            string.Join(",", Activity("Switch1", "Elsa.FlowSwitch", Cases(mode, ("A", "1 < 2"), ("B", "2 < 3"), ("C", "false"))), WriteLine("WA", "a"), WriteLine("WB", "b"), WriteLine("WC", "c"), WriteLine("WD", "default")),
            string.Join(",", Connect("Switch1", "WA", "A"), Connect("Switch1", "WB", "B"), Connect("Switch1", "WC", "C"), Connect("Switch1", "WD", "Default"))));

        Assert.Equal(expected, h.Output.Lines.Order());
    }

    [Fact]
    public async Task FlowSwitch_NoCaseHolds_FollowsDefault()
    {
        var h = new EngineHarness();
        await h.StartAsync(Flowchart(
            string.Join(",", Activity("Switch1", "Elsa.FlowSwitch", Cases("MatchFirst", ("A", "false"))), WriteLine("WA", "a"), WriteLine("WD", "default")),
            string.Join(",", Connect("Switch1", "WA", "A"), Connect("Switch1", "WD", "Default"))));

        Assert.Equal(["default"], h.Output.Lines);
    }

    [Theory]
    [InlineData("true", new[] { "then", "true", "done" })]
    [InlineData("false", new[] { "else", "false", "done" })]
    public async Task If_Condition_RunsBranchThenFollowsOutcomeAndDone(string condition, string[] expected)
    {
        var h = new EngineHarness();
        var ifActivity = $$"""
            { "id": "If1", "type": "Elsa.If", "version": 1,
              "condition": { "typeName": "Boolean", "expression": { "type": "JavaScript", "value": "{{condition}}" } },
              "then": { "id": "Then1", "type": "Elsa.WriteLine", "version": 1, "text": { "typeName": "String", "expression": { "type": "Literal", "value": "then" } } },
              "else": { "id": "Else1", "type": "Elsa.WriteLine", "version": 1, "text": { "typeName": "String", "expression": { "type": "Literal", "value": "else" } } } }
            """;
        await h.StartAsync(Flowchart(
            string.Join(",", ifActivity, WriteLine("WT", "true"), WriteLine("WF", "false"), WriteLine("WDone", "done")),
            string.Join(",", Connect("If1", "WT", "True"), Connect("If1", "WF", "False"), Connect("If1", "WDone", "Done"))));

        Assert.Equal(expected[0], h.Output.Lines[0]);
        Assert.Equal(expected.Order(), h.Output.Lines.Order());
    }

    [Theory]
    [InlineData("MatchFirst", new[] { "one" })]
    [InlineData("MatchAny", new[] { "one", "two" })]
    public async Task Switch_CasesWithActivities_RunsMatchingCaseActivities(string mode, string[] expected)
    {
        var h = new EngineHarness();
        var switchActivity = $$"""
            { "id": "Switch1", "type": "Elsa.Switch", "version": 1,
              "mode": { "typeName": "SwitchMode", "expression": { "type": "Literal", "value": "{{mode}}" } },
              "cases": [
                { "label": "One", "condition": { "type": "JavaScript", "value": "true" }, "activity": { "id": "W1", "type": "Elsa.WriteLine", "version": 1, "text": { "typeName": "String", "expression": { "type": "Literal", "value": "one" } } } },
                { "label": "Two", "condition": { "type": "JavaScript", "value": "true" }, "activity": { "id": "W2", "type": "Elsa.WriteLine", "version": 1, "text": { "typeName": "String", "expression": { "type": "Literal", "value": "two" } } } }
              ],
              "default": { "id": "WD", "type": "Elsa.WriteLine", "version": 1, "text": { "typeName": "String", "expression": { "type": "Literal", "value": "default" } } } }
            """;
        var state = await h.StartAsync(Flowchart(switchActivity));

        Assert.Equal(expected, h.Output.Lines.Order());
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Switch_NoCaseHolds_RunsDefaultActivity()
    {
        var h = new EngineHarness();
        var switchActivity = """
            { "id": "Switch1", "type": "Elsa.Switch", "version": 1,
              "cases": [ { "label": "One", "condition": { "type": "JavaScript", "value": "false" }, "activity": { "id": "W1", "type": "Elsa.WriteLine", "version": 1, "text": { "typeName": "String", "expression": { "type": "Literal", "value": "one" } } } } ],
              "default": { "id": "WD", "type": "Elsa.WriteLine", "version": 1, "text": { "typeName": "String", "expression": { "type": "Literal", "value": "default" } } } }
            """;
        await h.StartAsync(Flowchart(switchActivity));

        Assert.Equal(["default"], h.Output.Lines);
    }

    [Fact]
    public async Task FlowJoin_WaitAll_RunsOnceAfterEveryBranchArrived()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            string.Join(",",
                Activity("Fork1", "Elsa.FlowFork", Branches("A", "B")),
                WriteLine("WA", "a"),
                Activity("Event1", "Elsa.Event", Literal("eventName", "b-ready")),
                Activity("Join1", "Elsa.FlowJoin", Literal("mode", "WaitAll", "FlowJoinMode")),
                WriteLine("After", "joined")),
            string.Join(",", Connect("Fork1", "WA", "A"), Connect("Fork1", "Event1", "B"), Connect("WA", "Join1"), Connect("Event1", "Join1"), Connect("Join1", "After"))));
        Assert.Equal(["a"], h.Output.Lines);
        Assert.Equal(WorkflowSubStatus.Suspended, state.SubStatus);

        var resumed = Assert.Single(await h.Runtime.TriggerEventAsync("b-ready", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(["a", "joined"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, resumed.State.Status);
    }

    [Fact]
    public async Task FlowJoin_WaitAny_RunsOnceOnFirstArrival()
    {
        var h = new EngineHarness();
        await h.StartAsync(Flowchart(
            string.Join(",",
                Activity("Fork1", "Elsa.FlowFork", Branches("A", "B")),
                WriteLine("WA", "a"),
                Activity("Event1", "Elsa.Event", Literal("eventName", "b-ready")),
                Activity("Join1", "Elsa.FlowJoin", Literal("mode", "WaitAny", "FlowJoinMode")),
                WriteLine("After", "joined")),
            string.Join(",", Connect("Fork1", "WA", "A"), Connect("Fork1", "Event1", "B"), Connect("WA", "Join1"), Connect("Event1", "Join1"), Connect("Join1", "After"))));
        Assert.Equal(["a", "joined"], h.Output.Lines);

        var resumed = Assert.Single(await h.Runtime.TriggerEventAsync("b-ready", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(["a", "joined"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, resumed.State.Status);
    }

    [Fact]
    public async Task FlowJoin_WaitAnyBothBranchesImmediate_RunsOnce()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            string.Join(",",
                Activity("Fork1", "Elsa.FlowFork", Branches("A", "B")),
                WriteLine("WA", "a"),
                WriteLine("WB", "b"),
                Activity("Join1", "Elsa.FlowJoin", Literal("mode", "WaitAny", "FlowJoinMode")),
                WriteLine("After", "joined")),
            string.Join(",", Connect("Fork1", "WA", "A"), Connect("Fork1", "WB", "B"), Connect("WA", "Join1"), Connect("WB", "Join1"), Connect("Join1", "After"))));

        Assert.Single(h.Output.Lines, l => l == "joined");
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task FlowFork_SomeBranchesNamed_FollowsOnlyNamedBranches()
    {
        var h = new EngineHarness();
        await h.StartAsync(Flowchart(
            string.Join(",", Activity("Fork1", "Elsa.FlowFork", Branches("A", "C")), WriteLine("WA", "a"), WriteLine("WB", "b"), WriteLine("WC", "c")),
            string.Join(",", Connect("Fork1", "WA", "A"), Connect("Fork1", "WB", "B"), Connect("Fork1", "WC", "C"))));

        Assert.Equal(["a", "c"], h.Output.Lines.Order());
    }

    [Fact]
    public async Task DefaultJoin_OneLiveOneDeadInbound_RunsOnce()
    {
        var h = new EngineHarness();
        await h.StartAsync(Flowchart(
            string.Join(",", Activity("Decide", "Elsa.FlowDecision", Js("condition", "true", "Boolean")), WriteLine("WT", "t"), WriteLine("WF", "f"), WriteLine("Merge", "merged")),
            string.Join(",", Connect("Decide", "WT", "True"), Connect("Decide", "WF", "False"), Connect("WT", "Merge"), Connect("WF", "Merge"))));

        Assert.Equal(["t", "merged"], h.Output.Lines);
    }

    private static string ForkActivity(string joinMode) => $$"""
        { "id": "Fork1", "type": "Elsa.Fork", "version": 1,
          "joinMode": { "typeName": "ForkJoinMode", "expression": { "type": "Literal", "value": "{{joinMode}}" } },
          "branches": [
            { "id": "WA", "type": "Elsa.WriteLine", "version": 1, "text": { "typeName": "String", "expression": { "type": "Literal", "value": "a" } } },
            { "id": "Event1", "type": "Elsa.Event", "version": 1, "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "b-ready" } } }
          ] }
        """;

    [Fact]
    public async Task Fork_WaitAll_CompletesWhenEveryBranchCompleted()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(ForkActivity("WaitAll") + "," + WriteLine("After", "after"), Connect("Fork1", "After")));
        Assert.Equal(["a"], h.Output.Lines);
        Assert.Single(state.Bookmarks);

        var resumed = Assert.Single(await h.Runtime.TriggerEventAsync("b-ready", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(["a", "after"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, resumed.State.Status);
    }

    [Fact]
    public async Task Fork_WaitAny_CompletesOnFirstBranchAndCancelsOthers()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(ForkActivity("WaitAny") + "," + WriteLine("After", "after"), Connect("Fork1", "After")));

        Assert.Equal(["a", "after"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Empty(state.Bookmarks);
        Assert.Empty(await h.Runtime.TriggerEventAsync("b-ready", cancellationToken: TestContext.Current.CancellationToken));
    }
}
