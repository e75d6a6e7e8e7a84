using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class JournalTests
{
    [Fact]
    public async Task Journal_CompletedRun_RecordsStartedAndCompletedWithOutcomes()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            Activity("Decide", "Elsa.FlowDecision", Js("condition", "false", "Boolean")) + "," + WriteLine("No", "no"),
            Connect("Decide", "No", "False")));

        var decide = state.Journal.Where(j => j.ActivityId == "Decide").ToList();
        Assert.Equal([JournalEvent.Started, JournalEvent.Completed], decide.Select(j => j.Event));
        Assert.Equal(["False"], decide[1].Outcomes!);
        Assert.Equal("Elsa.FlowDecision", decide[1].ActivityType);
        Assert.Equal(Enumerable.Range(1, state.Journal.Count).Select(i => (long)i), state.Journal.Select(j => j.Sequence));
        Assert.Equal(JournalEvent.Completed, state.Journal[^1].Event);
        Assert.Equal("Flowchart1", state.Journal[^1].ActivityId);
    }

    [Fact]
    public async Task Journal_Fault_RecordsFaultedEntryWithMessage()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(Activity("Fault1", "Elsa.Fault", Literal("message", "quota exceeded"))));

        var faulted = Assert.Single(state.Journal, j => j.Event == JournalEvent.Faulted);
        Assert.Equal("Fault1", faulted.ActivityId);
        Assert.Equal("quota exceeded", faulted.Message);
    }

    [Fact]
    public async Task Journal_SuspendAndResume_RecordsBothAtTheirTimes()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(Activity("Event1", "Elsa.Event", Literal("eventName", "go"))));
        var startedAt = h.Clock.GetUtcNow();
        h.Clock.Advance(TimeSpan.FromHours(2));

        var resumed = (await h.Runtime.ResumeAsync(state.InstanceId, state.Bookmarks[0].Id, cancellationToken: TestContext.Current.CancellationToken)).State;

        var events = resumed.Journal.Where(j => j.ActivityId == "Event1").ToList();
        Assert.Equal([JournalEvent.Started, JournalEvent.Suspended, JournalEvent.Resumed, JournalEvent.Completed], events.Select(j => j.Event));
        Assert.Equal(startedAt, events[1].At);
        Assert.Equal(startedAt.AddHours(2), events[2].At);
    }
    [Fact]
    public async Task StoredWithoutItsJournal_AStateNumbersOnFromItsLastEntry()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(WriteLine("One", "one") + "," + WriteLine("Two", "two"), Connect("One", "Two")));
        var entries = state.Journal.Count;
        Assert.Equal(entries, state.JournalSequence);

        var stored = WorkflowStateJson.SerializeWithoutJournal(state);
        Assert.DoesNotContain("\"journal\"", stored, StringComparison.Ordinal);
        var loaded = WorkflowStateJson.Deserialize(stored);
        Assert.Empty(loaded.Journal);
        Assert.Equal(entries, loaded.JournalSequence);
        // The full form, as in-memory stores and test runs keep it, still carries the whole journal.
        Assert.Equal(entries, WorkflowStateJson.Deserialize(WorkflowStateJson.Serialize(state)).Journal.Count);
    }

    [Fact]
    public void AStateSavedBeforeJournalSequenceExisted_NumbersOnFromItsJournal()
    {
        // The shape of a state stored by earlier versions: its whole journal inside, no journalSequence.
        var old = """
            { "instanceId": "i1", "definitionId": "d", "definitionVersionId": "v", "journal": [
              { "sequence": 1, "at": "2026-11-01T09:00:00+00:00", "activityId": "A", "activityType": "Elsa.Event", "event": "Started" },
              { "sequence": 2, "at": "2026-11-01T09:00:00+00:00", "activityId": "A", "activityType": "Elsa.Event", "event": "Suspended" } ] }
            """;
        var state = WorkflowStateJson.Deserialize(old);
        Assert.Equal(2, state.JournalSequence);
        Assert.Equal(2, state.Journal.Count);
    }
}
