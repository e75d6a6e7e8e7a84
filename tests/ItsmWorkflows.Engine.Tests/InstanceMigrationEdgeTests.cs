using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Migration;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>Moves that look harmless but would change what an instance does next; each was found by a review.</summary>
public sealed class InstanceMigrationEdgeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Wait(string id, string eventName) => Activity(id, "Elsa.Event", Literal("eventName", eventName));

    private static WorkflowDefinition Version(EngineHarness h, string json, int n) =>
        h.Load(json.Replace("\"id\": \"test-v1\", \"definitionId\": \"test\", \"name\": \"Test\", \"version\": 1,", $"\"id\": \"test-v{n}\", \"definitionId\": \"test\", \"name\": \"Test\", \"version\": {n},", StringComparison.Ordinal));

    private static async Task<WorkflowState> StoredAsync(EngineHarness h, string id) => (await h.Instances.FindAsync(id, Ct))!.Value.State;

    private static string Why(MigrationReport r) => string.Join("; ", r.Blocking.Select(b => b.Message));

    private static string JoinDefinition(string mode) => Flowchart(
        string.Join(",", Activity("Start", "Elsa.Start"), Wait("A", "a"), Wait("B", "b"), Activity("J", "Elsa.FlowJoin", Literal("mode", mode)), WriteLine("After", "joined")),
        string.Join(",", Connect("Start", "A"), Connect("Start", "B"), Connect("A", "J"), Connect("B", "J"), Connect("J", "After")));

    [Fact]
    public async Task JoinWhoseModeChanged_AfterItFired_Refused()
    {
        // Under WaitAny the join fired on A and will absorb B; under WaitAll B would make it run a second time.
        var h = new EngineHarness();
        var waiting = await h.StartAsync(JoinDefinition("WaitAny"));
        await h.Runtime.TriggerEventAsync("a", cancellationToken: Ct);
        Version(h, JoinDefinition("WaitAll"), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: false, actor: null, Ct);

        Assert.Contains("'J' joins its inbound connections and live branches still lead to it; version 2 changed how (WaitAny → Merge)", Why(report), StringComparison.Ordinal);
        await h.Runtime.TriggerEventAsync("b", cancellationToken: Ct);
        Assert.Equal(["joined"], h.Output.Lines);
    }

    [Fact]
    public async Task ChainedRenames_MoveEachActivitysOutputs()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(Flowchart(string.Join(",", Activity("Start", "Elsa.Start"), Wait("A", "a"), Wait("B", "b"), Wait("Hold", "hold")),
            string.Join(",", Connect("Start", "A"), Connect("A", "B"), Connect("B", "Hold"))));
        await h.Runtime.TriggerEventAsync("a", null, JsonValue.Create("pa"), Ct);
        await h.Runtime.TriggerEventAsync("b", null, JsonValue.Create("pb"), Ct);
        // Version 2 renamed A to B and B to C.
        Version(h, Flowchart(string.Join(",", Activity("Start", "Elsa.Start"), Wait("B", "a"), Wait("C", "b"), Wait("Hold", "hold")),
            string.Join(",", Connect("Start", "B"), Connect("B", "C"), Connect("C", "Hold"))), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", new Dictionary<string, string> { ["A"] = "B", ["B"] = "C" }, dryRun: false, actor: null, Ct);

        Assert.True(report.CanMigrate, Why(report));
        var outputs = (await StoredAsync(h, waiting.InstanceId)).ActivityOutputs;
        Assert.Equal(("pa", "pb"), (outputs["B"]["result"]!.GetValue<string>(), outputs["C"]["result"]!.GetValue<string>()));
    }

    private static string JoiningChild(string waitY = "Y") => $$"""
        { "id": "child-v1", "definitionId": "child", "name": "Child", "version": 1, "variables": [], "inputs": [], "outputs": [], "outcomes": [],
          "root": { "type": "Elsa.Flowchart", "id": "ChildRoot", "activities": [ {{Activity("S", "Elsa.Start")}}, {{Wait("X", "x")}}, {{Wait(waitY, "y")}}, {{WriteLine("J", "j")}} ],
            "connections": [ {{Connect("S", "X")}}, {{Connect("S", waitY)}}, {{Connect("X", "J")}}, {{Connect(waitY, "J")}} ] } }
        """;

    [Fact]
    public async Task RenamedDefinitionActivityWithAJoinInside_MovesAndJoins()
    {
        var h = new EngineHarness();
        h.Load(JoiningChild());
        var waiting = await h.StartAsync(Flowchart(Activity("Sub1", "Child", Literal("workflowDefinitionId", "child"))));
        Version(h, Flowchart(Activity("Sub2", "Child", Literal("workflowDefinitionId", "child"))), 2);

        var (report, state) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", new Dictionary<string, string> { ["Sub1"] = "Sub2" }, dryRun: false, actor: null, Ct);

        Assert.True(report.CanMigrate, Why(report));
        Assert.Contains(state.Frames.Values, f => f.NodePath == "Sub2/X");
        await h.Runtime.TriggerEventAsync("x", cancellationToken: Ct);
        await h.Runtime.TriggerEventAsync("y", cancellationToken: Ct);
        Assert.Equal(["j"], h.Output.Lines);
    }

    [Fact]
    public async Task PrefixAndInnerMappingLandingTwoActivitiesOnOne_Refused()
    {
        var h = new EngineHarness();
        h.Load(JoiningChild());
        var waiting = await h.StartAsync(Flowchart(Activity("Sub1", "Child", Literal("workflowDefinitionId", "child"))));
        Version(h, Flowchart(Activity("Sub2", "Child", Literal("workflowDefinitionId", "child"))), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", new Dictionary<string, string> { ["Sub1"] = "Sub2", ["Sub1/X"] = "Sub2/Y" }, dryRun: false, actor: null, Ct);

        Assert.Contains("The mapping sends 'Sub1/X' and 'Sub1/Y' to the same activity 'Sub2/Y'", Why(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IfBranchesSwapped_LiveBranchRefused()
    {
        var h = new EngineHarness();
        string If(bool swapped) => $$"""
            { "id": "If1", "type": "Elsa.If", "version": 1,
              "condition": { "typeName": "Boolean", "expression": { "type": "JavaScript", "value": "{{(swapped ? "false" : "true")}}" } },
              "{{(swapped ? "else" : "then")}}": {{Wait("A", "a")}},
              "{{(swapped ? "then" : "else")}}": {{WriteLine("Other", "other")}} }
            """;
        string Definition(bool swapped) => Flowchart(string.Join(",", If(swapped), WriteLine("WT", "true path"), WriteLine("WF", "false path")),
            string.Join(",", Connect("If1", "WT", "True"), Connect("If1", "WF", "False")));
        var waiting = await h.StartAsync(Definition(false));
        Version(h, Definition(true), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: false, actor: null, Ct);

        Assert.Contains("'A' is waiting as its 'then' of 'If1'; in version 2 it is its 'else'", Why(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FaultedInstance_FixedInTheNextVersion_MovedAndRetried_Finishes()
    {
        // The fix-forward an operator wants: publish the corrected activity, move the faulted instance, retry.
        var h = new EngineHarness();
        var faulted = await h.StartAsync(Flowchart(
            WriteLineJs("Compose", "throw new Error('the template names a field that does not exist')") + "," + WriteLine("After", "after"),
            Connect("Compose", "After")));
        Assert.Equal(WorkflowSubStatus.Faulted, faulted.SubStatus);
        Version(h, Flowchart(WriteLineJs("Compose", "'fixed in version 2'") + "," + WriteLine("After", "after"), Connect("Compose", "After")), 2);

        var (report, _) = await h.Runtime.MigrateAsync(faulted.InstanceId, "test-v2", null, dryRun: false, actor: "dave", Ct);
        Assert.True(report.CanMigrate, Why(report));
        Assert.Contains(report.Notes, n => n.StartsWith("'Compose' runs with version 2's text", StringComparison.Ordinal));
        var retried = (await h.Runtime.RetryAsync(faulted.InstanceId, faulted.Incidents[0].Id, Ct)).State;

        Assert.Equal(["fixed in version 2", "after"], h.Output.Lines);
        Assert.Equal((WorkflowStatus.Finished, 2), (retried.Status, retried.DefinitionVersion));
    }
}
