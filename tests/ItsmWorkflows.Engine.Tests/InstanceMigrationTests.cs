using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Migration;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class InstanceMigrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Wait(string id, string eventName) => Activity(id, "Elsa.Event", Literal("eventName", eventName));

    /// <summary>The same definition as another version: "test-v{n}", version n.</summary>
    private static WorkflowDefinition Version(EngineHarness h, string json, int n) =>
        h.Load(json.Replace("\"id\": \"test-v1\", \"definitionId\": \"test\", \"name\": \"Test\", \"version\": 1,", $"\"id\": \"test-v{n}\", \"definitionId\": \"test\", \"name\": \"Test\", \"version\": {n},", StringComparison.Ordinal));

    private static async Task<WorkflowState> StoredAsync(EngineHarness h, string id) => (await h.Instances.FindAsync(id, Ct))!.Value.State;

    [Fact]
    public async Task Migrate_WaitingInstance_ContinuesOnTheNewVersionsPath()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(Flowchart(Wait("Approve", "approved") + "," + WriteLine("After", "v1 after"), Connect("Approve", "After")));
        Version(h, Flowchart(
            Wait("Approve", "approved") + "," + WriteLine("Notify", "v2 notify") + "," + WriteLine("After", "v2 after"),
            Connect("Approve", "Notify") + "," + Connect("Notify", "After"),
            variables: Variable("Reason", "String", "none given")), 2);

        var (report, state) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: false, actor: "dave", Ct);

        Assert.True(report.CanMigrate, string.Join("; ", report.Blocking.Select(b => b.Message)));
        Assert.Equal((1, 2), (report.FromVersion, report.ToVersion));
        Assert.Contains(report.Notes, n => n.Contains("'Reason' is new in version 2", StringComparison.Ordinal));
        var stored = await StoredAsync(h, waiting.InstanceId);
        Assert.Equal(("test-v2", 2), (stored.DefinitionVersionId, stored.DefinitionVersion));
        Assert.Equal("none given", stored.Variables["Reason"]!.GetValue<string>());
        var moved = Assert.Single(stored.Journal, j => j.Event == JournalEvent.Migrated);
        Assert.Equal("Moved from version 1 to version 2 by dave.", moved.Message);
        Assert.Equal(state.JournalSequence, moved.Sequence);

        await h.Runtime.TriggerEventAsync("approved", cancellationToken: Ct);

        Assert.Equal(["v2 notify", "v2 after"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, (await StoredAsync(h, waiting.InstanceId)).Status);
    }

    [Fact]
    public async Task Migrate_WaitingActivityRemoved_RefusedWithTheCandidatesAndNothingChanges()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(Flowchart(Wait("Approve", "approved") + "," + WriteLine("After", "v1 after"), Connect("Approve", "After")));
        Version(h, Flowchart(Wait("CabApproval", "approved") + "," + WriteLine("After", "v2 after"), Connect("CabApproval", "After")), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: false, actor: "dave", Ct);

        var issue = Assert.Single(report.Blocking);
        Assert.Equal("Approve", issue.ActivityId);
        Assert.Contains("is waiting, and version 2 has no activity 'Approve'", issue.Message, StringComparison.Ordinal);
        Assert.Contains("CabApproval", issue.Message, StringComparison.Ordinal);
        var stored = await StoredAsync(h, waiting.InstanceId);
        Assert.Equal(1, stored.DefinitionVersion);
        Assert.DoesNotContain(stored.Journal, j => j.Event == JournalEvent.Migrated);
    }

    [Fact]
    public async Task Migrate_RenamedWaitingActivityMapped_WaitsOnAsTheNewActivity()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(Flowchart(Wait("Approve", "approved") + "," + WriteLine("After", "v1 after"), Connect("Approve", "After")));
        Version(h, Flowchart(Wait("CabApproval", "approved") + "," + WriteLine("After", "v2 after"), Connect("CabApproval", "After")), 2);
        var map = new Dictionary<string, string> { ["Approve"] = "CabApproval" };

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", map, dryRun: false, actor: "dave", Ct);

        Assert.True(report.CanMigrate, string.Join("; ", report.Blocking.Select(b => b.Message)));
        Assert.Contains("'Approve' waits on as 'CabApproval'.", report.Notes);
        var stored = await StoredAsync(h, waiting.InstanceId);
        Assert.Equal("CabApproval", Assert.Single(stored.Bookmarks).ActivityId);
        Assert.EndsWith("; Approve → CabApproval.", stored.Journal.Single(j => j.Event == JournalEvent.Migrated).Message, StringComparison.Ordinal);
        await h.Runtime.TriggerEventAsync("approved", cancellationToken: Ct);
        Assert.Equal(["v2 after"], h.Output.Lines);
    }

    [Fact]
    public async Task Migrate_WaitingActivityChangedType_Refused()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(Flowchart(Wait("Approve", "approved") + "," + WriteLine("After", "v1 after"), Connect("Approve", "After")));
        Version(h, Flowchart(WriteLine("Approve", "no longer waits") + "," + WriteLine("After", "v2 after"), Connect("Approve", "After")), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: false, actor: null, Ct);

        Assert.Contains("'Approve' is waiting as Event (Elsa.Event); in version 2 'Approve' is Write Line (Elsa.WriteLine)", Assert.Single(report.Blocking).Message, StringComparison.Ordinal);
        Assert.Equal(1, (await StoredAsync(h, waiting.InstanceId)).DefinitionVersion);
    }

    [Fact]
    public async Task Migrate_DryRun_ReportsWithoutSaving()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(Flowchart(Wait("Approve", "approved") + "," + WriteLine("After", "v1 after"), Connect("Approve", "After")));
        Version(h, Flowchart(Wait("Approve", "approved") + "," + WriteLine("After", "v2 after"), Connect("Approve", "After")), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: true, actor: "dave", Ct);

        Assert.True(report.CanMigrate);
        Assert.Equal(1, (await StoredAsync(h, waiting.InstanceId)).DefinitionVersion);
        await h.Runtime.TriggerEventAsync("approved", cancellationToken: Ct);
        Assert.Equal(["v1 after"], h.Output.Lines);
    }

    [Fact]
    public async Task Migrate_FinishedInstance_Refused()
    {
        var h = new EngineHarness();
        var done = await h.StartAsync(Flowchart(WriteLine("Only", "v1")));
        Version(h, Flowchart(WriteLine("Only", "v2")), 2);

        var (report, _) = await h.Runtime.MigrateAsync(done.InstanceId, "test-v2", null, dryRun: false, actor: null, Ct);

        Assert.Contains("finished", Assert.Single(report.Blocking).Message, StringComparison.Ordinal);
        Assert.Equal(1, (await StoredAsync(h, done.InstanceId)).DefinitionVersion);
    }

    private static string Join(bool keepA = true) => Flowchart(
        Activity("Start", "Elsa.Start") + "," + Wait("A", "a") + "," + Wait("B", "b") + "," + WriteLine("Joined", "joined"),
        Connect("Start", "A") + "," + Connect("Start", "B") + (keepA ? "," + Connect("A", "Joined") : "") + "," + Connect("B", "Joined"));

    [Fact]
    public async Task Migrate_HalfwayThroughAJoin_KeepsTheTokensWhenTheirConnectionsRemain()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(Join());
        await h.Runtime.TriggerEventAsync("a", cancellationToken: Ct);
        Assert.Empty(h.Output.Lines);
        // Version 2 lists the join's inputs the other way round: A's token (connection #2 in version 1)
        // must count as A → Joined (#3 now), not as #2, which is now B → Joined and would start a new round.
        Version(h, Flowchart(
            Activity("Start", "Elsa.Start") + "," + Wait("A", "a") + "," + Wait("B", "b") + "," + WriteLine("Joined", "joined"),
            Connect("Start", "A") + "," + Connect("Start", "B") + "," + Connect("B", "Joined") + "," + Connect("A", "Joined")), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: false, actor: null, Ct);
        Assert.True(report.CanMigrate, string.Join("; ", report.Blocking.Select(b => b.Message)));
        await h.Runtime.TriggerEventAsync("b", cancellationToken: Ct);

        Assert.Equal(["joined"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, (await StoredAsync(h, waiting.InstanceId)).Status);
    }

    [Fact]
    public async Task Migrate_HalfwayThroughAJoinWhoseDeliveredConnectionIsRemoved_Refused()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(Join());
        await h.Runtime.TriggerEventAsync("a", cancellationToken: Ct);
        Version(h, Join(keepA: false), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: false, actor: null, Ct);

        Assert.All(report.Blocking, b => Assert.Equal("Joined", b.ActivityId));
        Assert.Contains(report.Blocking, b => b.Message.Contains("has had a token from A:Done → Joined, which version 2 removed", StringComparison.Ordinal));
        Assert.Contains(report.Blocking, b => b.Message.Contains("changed them (A:Done, B:Done → B:Done)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Migrate_SequencePartWayWhoseStepsChanged_Refused()
    {
        var h = new EngineHarness();
        const string V1 = """
            { "id": "test-v1", "definitionId": "test", "name": "Test", "version": 1,
              "root": { "type": "Elsa.Sequence", "id": "Seq", "activities": [
                { "id": "W1", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "one" } } },
                { "id": "Approve", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "approved" } } },
                { "id": "W2", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "two" } } } ] } }
            """;
        var waiting = await h.StartAsync(V1);
        h.Load(V1.Replace("\"test-v1\"", "\"test-v2\"", StringComparison.Ordinal).Replace("\"version\": 1,", "\"version\": 2,", StringComparison.Ordinal)
            .Replace("{ \"id\": \"W1\"", "{ \"id\": \"W0\", \"type\": \"Elsa.WriteLine\" }, { \"id\": \"W1\"", StringComparison.Ordinal));

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: false, actor: null, Ct);

        var issue = Assert.Single(report.Blocking);
        Assert.Equal("Seq", issue.ActivityId);
        Assert.Contains("is at step 2 (Approve), and version 2 changed the steps up to there (W1, Approve → W0, W1)", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_UnknownMappedActivity_Refused()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(Flowchart(Wait("Approve", "approved")));
        Version(h, Flowchart(Wait("Approve", "approved")), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", new Dictionary<string, string> { ["Approve"] = "Nope" }, dryRun: true, actor: null, Ct);

        Assert.Contains("which version 2 does not have", Assert.Single(report.Blocking).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WaitingInstanceAgainstAnUnchangedCopy_AllowsWithNoNotes()
    {
        var h = new EngineHarness();
        var json = Flowchart(Wait("Approve", "approved") + "," + WriteLine("After", "after"), Connect("Approve", "After"), variables: Variable("Reason", "String", "x"));
        var waiting = await h.StartAsync(json);
        var v2 = Version(h, json, 2);
        var report = InstanceMigrator.Check(waiting, await h.Runtime.GetPlanAsync((await h.Definitions.FindAsync("test", "test-v1", Ct))!, Ct), await h.Runtime.GetPlanAsync(v2, Ct));
        Assert.True(report.CanMigrate, Why(report));
        Assert.Empty(report.Notes);
    }

    private static string Why(MigrationReport r) => string.Join("; ", r.Blocking.Select(b => b.Message));

    private static string TwoWaitsJoined(string extraActivities = "", string extraConnections = "", bool keepB = true) => Flowchart(
        Activity("Start", "Elsa.Start") + "," + Wait("A", "a") + "," + Wait("B", "b") + "," + WriteLine("Joined", "joined") + extraActivities,
        Connect("Start", "A") + "," + Connect("Start", "B") + "," + Connect("A", "Joined") + (keepB ? "," + Connect("B", "Joined") : "") + extraConnections);

    [Fact]
    public async Task Migrate_BranchAddedToAJoinLiveBranchesLeadTo_Refused()
    {
        // The new branch's source (Start) has run: its token would never come, and Joined would never run.
        var h = new EngineHarness();
        var waiting = await h.StartAsync(TwoWaitsJoined());
        Version(h, TwoWaitsJoined("," + WriteLine("C", "c"), "," + Connect("Start", "C") + "," + Connect("C", "Joined")), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: false, actor: null, Ct);

        Assert.Contains("'Joined' joins its inbound connections and live branches still lead to it; version 2 changed them (A:Done, B:Done → A:Done, B:Done, C:Done)", Why(report), StringComparison.Ordinal);
        Assert.Equal(1, (await StoredAsync(h, waiting.InstanceId)).DefinitionVersion);
    }

    [Fact]
    public async Task Migrate_UndeliveredInboundOfAHalfDoneJoinRemoved_Refused()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(TwoWaitsJoined());
        await h.Runtime.TriggerEventAsync("a", cancellationToken: Ct);
        Version(h, TwoWaitsJoined(keepB: false), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: true, actor: null, Ct);

        Assert.Contains("changed them (A:Done, B:Done → A:Done)", Why(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_JoinNoLiveBranchLeadsTo_ChangesFreely()
    {
        // Past the join: the instance waits in Later; the join's inputs changing does not concern it.
        var h = new EngineHarness();
        var waiting = await h.StartAsync(TwoWaitsJoined("," + Wait("Later", "later"), "," + Connect("Joined", "Later")));
        await h.Runtime.TriggerEventAsync("a", cancellationToken: Ct);
        await h.Runtime.TriggerEventAsync("b", cancellationToken: Ct);
        Version(h, TwoWaitsJoined("," + Wait("Later", "later") + "," + WriteLine("C", "c"), "," + Connect("Joined", "Later") + "," + Connect("Start", "C") + "," + Connect("C", "Joined")), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: true, actor: null, Ct);

        Assert.True(report.CanMigrate, Why(report));
    }

    [Fact]
    public async Task Migrate_RootMatchedToAFlowchartNestedInTheNewRoot_Refused()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(Flowchart(Wait("A", "a") + "," + WriteLine("After", "after"), Connect("A", "After")));
        h.Load($$"""
            { "id": "test-v2", "definitionId": "test", "name": "Test", "version": 2,
              "root": { "type": "Elsa.Flowchart", "id": "Outer", "activities": [
                { "type": "Elsa.Flowchart", "id": "Flowchart1", "activities": [ {{Wait("A", "a")}}, {{WriteLine("After", "after")}} ], "connections": [ {{Connect("A", "After")}} ] },
                {{WriteLine("Final", "final")}} ],
                "connections": [ {{Connect("Flowchart1", "Final")}} ] } }
            """);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: true, actor: null, Ct);

        Assert.Contains("is the instance's root; in version 2 the root is 'Outer' and 'Flowchart1' sits inside it", Why(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_RenamedRootMapped_RunsOn()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(Flowchart(Wait("A", "a") + "," + WriteLine("After", "after"), Connect("A", "After")));
        Version(h, Flowchart(Wait("A", "a") + "," + WriteLine("After", "after"), Connect("A", "After")).Replace("\"Flowchart1\"", "\"Root2\"", StringComparison.Ordinal), 2);

        Assert.False((await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: true, actor: null, Ct)).Report.CanMigrate);
        var (mapped, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", new Dictionary<string, string> { ["Flowchart1"] = "Root2" }, dryRun: false, actor: null, Ct);

        Assert.True(mapped.CanMigrate, Why(mapped));
        await h.Runtime.TriggerEventAsync("a", cancellationToken: Ct);
        Assert.Equal(["after"], h.Output.Lines);
    }

    [Fact]
    public async Task Migrate_ContainerVariableNewInTheTarget_StartsAtItsInitialValue()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(Flowchart($$"""
            { "type": "Elsa.Flowchart", "id": "Inner", "activities": [ {{Wait("A", "a")}}, {{WriteLine("W", "x")}} ], "connections": [ {{Connect("A", "W")}} ] }
            """));
        Version(h, Flowchart($$"""
            { "type": "Elsa.Flowchart", "id": "Inner", "variables": [ {{Variable("Count", "Int32", "5")}} ],
              "activities": [ {{Wait("A", "a")}}, {{WriteLineJs("W", "'count=' + getCount()")}} ], "connections": [ {{Connect("A", "W")}} ] }
            """), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: false, actor: null, Ct);

        Assert.True(report.CanMigrate, Why(report));
        Assert.Contains(report.Notes, n => n.StartsWith("Variable 'Count' of 'Inner' is new in version 2", StringComparison.Ordinal));
        await h.Runtime.TriggerEventAsync("a", cancellationToken: Ct);
        Assert.Equal(["count=5"], h.Output.Lines);
    }

    private static string Child(string waitId = "Approve") => $$"""
        { "id": "child-v1", "definitionId": "child", "name": "Child", "version": 1, "variables": [], "inputs": [], "outputs": [], "outcomes": [],
          "root": { "type": "Elsa.Flowchart", "id": "ChildRoot", "activities": [ {{Wait(waitId, "inner")}} ], "connections": [] } }
        """;

    [Fact]
    public async Task Migrate_TopLevelRename_LeavesTheSameIdInsideADefinitionActivityAlone()
    {
        var h = new EngineHarness();
        h.Load(Child());
        var sub = Activity("Sub", "Child", Literal("workflowDefinitionId", "child"));
        var waiting = await h.StartAsync(Flowchart(Activity("Start", "Elsa.Start") + "," + Wait("Approve", "outer") + "," + sub, Connect("Start", "Approve") + "," + Connect("Start", "Sub")));
        Assert.Contains(waiting.Frames.Values, f => f.NodePath == "Sub/Approve");
        Version(h, Flowchart(Activity("Start", "Elsa.Start") + "," + Wait("Cab", "outer") + "," + sub, Connect("Start", "Cab") + "," + Connect("Start", "Sub")), 2);

        var (report, state) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", new Dictionary<string, string> { ["Approve"] = "Cab" }, dryRun: false, actor: null, Ct);

        Assert.True(report.CanMigrate, Why(report));
        Assert.Equal("Approve", state.Bookmarks.Single(b => state.Frames[b.FrameId].NodePath == "Sub/Approve").ActivityId);
        Assert.Equal("Cab", state.Bookmarks.Single(b => state.Frames[b.FrameId].NodePath == "Cab").ActivityId);
    }

    [Fact]
    public async Task Migrate_OntoTheRootOfADefinitionActivity_NotOfferedAndRefused()
    {
        var h = new EngineHarness();
        h.Load(Child("A"));
        var waiting = await h.StartAsync(Flowchart($$"""
            { "type": "Elsa.Flowchart", "id": "Inner", "activities": [ {{Wait("A", "inner")}} ], "connections": [] }
            """ + "," + WriteLine("After", "after"), Connect("Inner", "After")));
        Version(h, Flowchart(Activity("Sub", "Child", Literal("workflowDefinitionId", "child")) + "," + WriteLine("After", "after"), Connect("Sub", "After")), 2);

        var dry = (await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: true, actor: null, Ct)).Report;
        Assert.DoesNotContain("Sub/ChildRoot", Why(dry), StringComparison.Ordinal);
        var map = new Dictionary<string, string> { ["Inner"] = "Sub/ChildRoot", ["A"] = "Sub/A" };
        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", map, dryRun: false, actor: null, Ct);

        Assert.Contains("inside 'Flowchart1'; in version 2 'Sub/ChildRoot' sits inside 'Sub'", Why(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_ForkUnderWayGainsABranch_Allowed()
    {
        var h = new EngineHarness();
        string Fork(bool third) => Flowchart($$"""
            { "id": "F", "type": "Elsa.Fork", "joinMode": { "typeName": "String", "expression": { "type": "Literal", "value": "WaitAll" } },
              "branches": [ {{Wait("A", "a")}}, {{Wait("B", "b")}} {{(third ? "," + WriteLine("C", "c") : "")}} ] }
            """);
        var waiting = await h.StartAsync(Fork(false));
        Version(h, Fork(true), 2);

        var (report, _) = await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", null, dryRun: false, actor: null, Ct);

        Assert.True(report.CanMigrate, Why(report));
        await h.Runtime.TriggerEventAsync("a", cancellationToken: Ct);
        await h.Runtime.TriggerEventAsync("b", cancellationToken: Ct);
        Assert.Equal(WorkflowStatus.Finished, (await StoredAsync(h, waiting.InstanceId)).Status);
    }

    [Fact]
    public async Task Migrate_MapNotOneToOne_Refused()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(Flowchart(Activity("Start", "Elsa.Start") + "," + Wait("A", "a") + "," + Wait("B", "b"), Connect("Start", "A") + "," + Connect("Start", "B")));
        Version(h, Flowchart(Activity("Start", "Elsa.Start") + "," + Wait("A", "a") + "," + Wait("C", "b"), Connect("Start", "A") + "," + Connect("Start", "C")), 2);

        var both = (await h.Runtime.MigrateAsync(waiting.InstanceId, "test-v2", new Dictionary<string, string> { ["B"] = "A" }, dryRun: true, actor: null, Ct)).Report;

        Assert.Contains("which version 1 has too: two activities would become one", Why(both), StringComparison.Ordinal);
    }
}
