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

        var issue = Assert.Single(report.Blocking);
        Assert.Equal("Joined", issue.ActivityId);
        Assert.Contains("A:Done → Joined, which version 2 removed", issue.Message, StringComparison.Ordinal);
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
        Assert.Contains("W1, Approve, W2 → W0, W1, Approve, W2", issue.Message, StringComparison.Ordinal);
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
    public async Task Check_ReportsNothingBlockingForAnInstanceOnItsOwnVersionsTwin()
    {
        // A check against an unchanged copy lists no notes: nothing changes for the instance.
        var h = new EngineHarness();
        var v1 = h.Load(Flowchart(Wait("Approve", "approved")));
        var v2 = Version(h, Flowchart(Wait("Approve", "approved")), 2);
        var state = new WorkflowState { InstanceId = "i", DefinitionId = "test", DefinitionVersionId = v1.Id, DefinitionVersion = 1 };
        var report = InstanceMigrator.Check(state, await h.Runtime.GetPlanAsync(v1, Ct), await h.Runtime.GetPlanAsync(v2, Ct));
        Assert.True(report.CanMigrate);
        Assert.Empty(report.Notes);
    }
}
