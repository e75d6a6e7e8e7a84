using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>Branching, joining and looping activities, and the flowchart's join rules.</summary>
public sealed class FlowActivityTests
{
    private static async Task<(EngineHarness Harness, WorkflowState State)> RunAsync(string activities, string connections = "", string variables = "")
    {
        var harness = new EngineHarness();
        var definition = harness.Load(Flowchart(activities, connections, variables));
        return (harness, await harness.RunUntilEndAsync(definition.DefinitionId));
    }

    private static string Write(string id, string text, string extra = "") => Activity(id, "Elsa.WriteLine", Literal("text", text) + extra);

    private static string Cases(params (string Label, string Script)[] cases) =>
        "\"cases\": [" + string.Join(",", cases.Select(c => $$"""{ "label": "{{c.Label}}", "condition": { "type": "JavaScript", "value": {{System.Text.Json.JsonSerializer.Serialize(c.Script)}} } }""")) + "]";

    [Theory]
    [InlineData("2 > 1", "yes")]
    [InlineData("2 < 1", "no")]
    public async Task FlowDecision_FollowsTrueOrFalse(string condition, string expected)
    {
        var (h, _) = await RunAsync(Activity("D", "Elsa.FlowDecision", Js("condition", condition, "Boolean")) + "," + Write("Y", "yes") + "," + Write("N", "no"),
            Connect("D", "Y", "True") + "," + Connect("D", "N", "False"));
        Assert.Equal([expected], h.Output.Lines);
    }

    [Theory]
    [InlineData("MatchFirst", "3", new[] { "big" })]
    [InlineData("MatchAny", "3", new[] { "big", "odd" })]
    [InlineData("MatchFirst", "-2", new[] { "default" })]
    public async Task FlowSwitch_FollowsMatchingCases(string mode, string value, string[] expected)
    {
        var switchActivity = Activity("S", "Elsa.FlowSwitch", Cases(("Big", $"{value} > 2"), ("Odd", $"{value} % 2 == 1")) + "," + Literal("mode", mode));
        var (h, _) = await RunAsync(string.Join(",", switchActivity, Write("B", "big"), Write("O", "odd"), Write("D", "default")),
            Connect("S", "B", "Big") + "," + Connect("S", "O", "Odd") + "," + Connect("S", "D", "Default"));
        Assert.Equal(expected, h.Output.Lines.Order());
    }

    [Fact]
    public async Task If_RunsThenOrElse_AndFollowsTheOutcome()
    {
        var then = """ "then": { "id": "T", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "then" } } } """;
        var @else = """ "else": { "id": "E", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "else" } } } """;
        var (h, _) = await RunAsync(Activity("I", "Elsa.If", Js("condition", "false", "Boolean") + "," + then + "," + @else) + "," + Write("After", "after false"),
            Connect("I", "After", "False"));
        Assert.Equal(["else", "after false"], h.Output.Lines);
    }

    [Fact]
    public async Task Switch_RunsTheActivityOfTheMatchingCase()
    {
        const string cases = """
            "cases": [
              { "label": "A", "condition": { "type": "JavaScript", "value": "false" }, "activity": { "id": "CA", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "case A" } } } },
              { "label": "B", "condition": { "type": "JavaScript", "value": "true" }, "activity": { "id": "CB", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "case B" } } } } ]
            """;
        var (h, s) = await RunAsync(Activity("S", "Elsa.Switch", cases));
        Assert.Equal(["case B"], h.Output.Lines);
        Assert.Equal(WorkflowSubStatus.Finished, s.SubStatus);
    }

    [Fact]
    public async Task FlowForkAndJoinWaitAll_JoinRunsOnceAfterEveryBranch()
    {
        var fork = Activity("F", "Elsa.FlowFork", """ "branches": { "typeName": "String[]", "expression": { "type": "Object", "value": "[\"A\",\"B\",\"C\"]" } } """);
        var (h, s) = await RunAsync(string.Join(",", fork, Write("A", "a"), Write("B", "b"), Write("C", "c"), Activity("J", "Elsa.FlowJoin", Literal("mode", "WaitAll")), Write("After", "joined")),
            string.Join(",", Connect("F", "A", "A"), Connect("F", "B", "B"), Connect("F", "C", "C"), Connect("A", "J"), Connect("B", "J"), Connect("C", "J"), Connect("J", "After")));
        Assert.Equal(["a", "b", "c", "joined"], h.Output.Lines);
        Assert.Equal(1, s.Journal.Count(j => j.ActivityId == "J" && j.Event == JournalEvent.Completed));
    }

    [Fact]
    public async Task FlowJoinWaitAny_RunsOnTheFirstBranchAndWaitsForNoOther()
    {
        // One branch is immediate, the other waits on a timer: the join continues without it.
        var fork = Activity("F", "Elsa.FlowFork", """ "branches": { "typeName": "String[]", "expression": { "type": "Object", "value": "[\"Fast\",\"Slow\"]" } } """);
        var harness = new EngineHarness();
        var definition = harness.Load(Flowchart(
            string.Join(",", fork, Write("Fast", "fast"), Activity("Slow", "Elsa.Delay", Literal("timeSpan", "1.00:00:00", "TimeSpan")), Activity("J", "Elsa.FlowJoin", Literal("mode", "WaitAny")), Write("After", "continued")),
            string.Join(",", Connect("F", "Fast", "Fast"), Connect("F", "Slow", "Slow"), Connect("Fast", "J"), Connect("Slow", "J"), Connect("J", "After"))));
        var state = (await harness.Runtime.StartAsync(definition.DefinitionId, cancellationToken: TestContext.Current.CancellationToken)).State;
        Assert.Equal(["fast", "continued"], harness.Output.Lines);
        Assert.Equal(WorkflowSubStatus.Suspended, state.SubStatus);
        harness.Clock.Advance(TimeSpan.FromDays(1));
        await harness.Runtime.FireDueTimersAsync(TestContext.Current.CancellationToken);
        // The slow branch arriving later belongs to the same round: the join does not run again.
        Assert.Equal(["fast", "continued"], harness.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, harness.Instances.All.Single().Status);
    }

    [Fact]
    public async Task ImplicitJoin_WaitsForLiveAndDeadBranches_ThenRunsOnce()
    {
        // A decision's two outcomes both lead to W: one live, one dead; W runs exactly once.
        var (h, s) = await RunAsync(Activity("D", "Elsa.FlowDecision", Js("condition", "true", "Boolean")) + "," + Write("W", "merged"),
            Connect("D", "W", "True") + "," + Connect("D", "W", "False"));
        Assert.Equal(["merged"], h.Output.Lines);
        Assert.Equal(WorkflowSubStatus.Finished, s.SubStatus);
    }

    [Fact]
    public async Task Fork_WaitAllAndWaitAny()
    {
        static string Branches(string mode) => $$"""
            "joinMode": { "typeName": "String", "expression": { "type": "Literal", "value": "{{mode}}" } },
            "branches": [
              { "id": "B1", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "one" } } },
              { "id": "B2", "type": "Elsa.Delay", "timeSpan": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "00:10:00" } } } ]
            """;
        var harness = new EngineHarness();
        var any = harness.Load(Flowchart(Activity("F", "Elsa.Fork", Branches("WaitAny")) + "," + Write("After", "after"), Connect("F", "After")));
        var state = (await harness.Runtime.StartAsync(any.DefinitionId, cancellationToken: TestContext.Current.CancellationToken)).State;
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(["one", "after"], harness.Output.Lines);

        var (h2, s2) = await RunAsync(Activity("F", "Elsa.Fork", Branches("WaitAll")) + "," + Write("After", "after"), Connect("F", "After"));
        Assert.Equal(WorkflowStatus.Finished, s2.Status);
        Assert.Contains(s2.Journal, j => j.ActivityId == "B2" && j.Event == JournalEvent.Resumed);
        Assert.Equal(["one", "after"], h2.Output.Lines);
    }

    [Fact]
    public async Task Sequence_RunsInOrder()
    {
        var harness = new EngineHarness();
        var definition = harness.Load("""
            { "definitionId": "seq", "root": { "type": "Elsa.Sequence", "id": "S", "activities": [
              { "id": "A", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "first" } } },
              { "id": "B", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "second" } } } ] } }
            """);
        var state = await harness.RunUntilEndAsync(definition.DefinitionId);
        Assert.Equal(["first", "second"], harness.Output.Lines);
        Assert.Equal(WorkflowSubStatus.Finished, state.SubStatus);
    }

    [Fact]
    public async Task ForEach_RunsTheBodyPerItemInOrder()
    {
        var body = """ "body": { "id": "W", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "JavaScript", "value": "getCurrentIndex() + ':' + getCurrentValue()" } } } """;
        var (h, s) = await RunAsync(Activity("L", "Elsa.ForEach", Js("items", "['a', 'b', 'c']", "Object[]") + "," + body));
        Assert.True(s.Incidents.Count == 0, string.Join("; ", s.Incidents.Select(i => i.Message)));
        Assert.Equal(["0:a", "1:b", "2:c"], h.Output.Lines);
    }

    [Fact]
    public async Task ParallelForEach_RunsEveryItemAndCompletesOnce()
    {
        var body = """ "body": { "id": "W", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "JavaScript", "value": "'item ' + getCurrentValue()" } } } """;
        var (h, s) = await RunAsync(Activity("L", "Elsa.ParallelForEach", Js("items", "[1, 2, 3]", "Object[]") + "," + body) + "," + Write("After", "done"), Connect("L", "After"));
        Assert.Equal(["item 1", "item 2", "item 3", "done"], h.Output.Lines);
        Assert.Equal(1, s.Journal.Count(j => j.ActivityId == "L" && j.Event == JournalEvent.Completed));
    }

    [Fact]
    public async Task MergeMode_Converge_WaitsForLoopBacksToo()
    {
        // Start → A → J; J → B → J (a loop back). With Converge, J needs the loop-back token as well, so it never runs.
        var join = Activity("J", "Elsa.WriteLine", Literal("text", "joined") + """, "customProperties": { "mergeMode": "Converge" } """);
        var (h, _) = await RunAsync(string.Join(",", Write("A", "a"), join, Write("B", "b")), string.Join(",", Connect("A", "J"), Connect("J", "B"), Connect("B", "J")));
        Assert.Equal(["a"], h.Output.Lines);
    }
}
