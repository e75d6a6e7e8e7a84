using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>Where instances wait, and the guarantee that a stimulus is applied exactly once.</summary>
public sealed class BookmarkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (EngineHarness Harness, string DefinitionId) EventWorkflow()
    {
        var h = new EngineHarness();
        var definition = h.Load(Flowchart(
            Activity("E", "Elsa.Event", Literal("eventName", "go")) + "," + Activity("W", "Elsa.WriteLine", Literal("text", "resumed")),
            Connect("E", "W")));
        return (h, definition.DefinitionId);
    }

    [Fact]
    public async Task Bookmark_CarriesAHashedStimulusKey()
    {
        var (h, id) = EventWorkflow();
        var bookmark = Assert.Single((await h.Runtime.StartAsync(id, cancellationToken: Ct)).State.Bookmarks);
        Assert.Equal(StimulusHash.Compute("Elsa.Event", "go"), bookmark.StimulusHash);
        Assert.Equal(64, bookmark.StimulusHash.Length);
        Assert.Equal(("E", "Elsa.Event"), (bookmark.ActivityId, bookmark.Name));
    }

    [Fact]
    public async Task Resume_IsAppliedOnce_ASecondResumeFails()
    {
        var (h, id) = EventWorkflow();
        var state = (await h.Runtime.StartAsync(id, cancellationToken: Ct)).State;
        var bookmarkId = state.Bookmarks[0].Id;
        await h.Runtime.ResumeAsync(state.InstanceId, bookmarkId, cancellationToken: Ct);
        var ex = await Assert.ThrowsAsync<BookmarkNotFoundException>(() => h.Runtime.ResumeAsync(state.InstanceId, bookmarkId, cancellationToken: Ct).AsTask());
        Assert.Contains("resumed already", ex.Message);
        Assert.Equal(["resumed"], h.Output.Lines);
    }

    [Fact]
    public async Task ConcurrentResumes_OnlyOneCommits()
    {
        var (h, id) = EventWorkflow();
        var state = (await h.Runtime.StartAsync(id, cancellationToken: Ct)).State;
        var bookmarkId = state.Bookmarks[0].Id;
        var found = (await h.Instances.FindAsync(state.InstanceId, Ct))!.Value;
        // Two bursts start from the same stored version; the store lets only the first commit.
        var copyA = WorkflowStateJson.Deserialize(WorkflowStateJson.Serialize(found.State));
        var copyB = WorkflowStateJson.Deserialize(WorkflowStateJson.Serialize(found.State));
        var plan = await h.Runtime.GetPlanAsync(h.Definitions.All.Single(), Ct);
        await h.Runtime.Runner.ResumeAsync(plan, copyA, bookmarkId, cancellationToken: Ct);
        await h.Runtime.Runner.ResumeAsync(plan, copyB, bookmarkId, cancellationToken: Ct);
        await h.Instances.SaveAsync(copyA, found.Version, Ct);
        await Assert.ThrowsAsync<ConcurrencyException>(() => h.Instances.SaveAsync(copyB, found.Version, Ct).AsTask());
        Assert.Equal(WorkflowStatus.Finished, (await h.Instances.FindAsync(state.InstanceId, Ct))!.Value.State.Status);
    }

    [Fact]
    public async Task RuntimeResume_RetriesOnAConcurrentCommit_ThenFailsCleanlyWhenTheBookmarkIsGone()
    {
        var (h, id) = EventWorkflow();
        var state = (await h.Runtime.StartAsync(id, cancellationToken: Ct)).State;
        var bookmarkId = state.Bookmarks[0].Id;
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                await h.Runtime.ResumeAsync(state.InstanceId, bookmarkId, cancellationToken: Ct);
                return true;
            }
            catch (BookmarkNotFoundException)
            {
                return false;
            }
        }));
        Assert.Equal(1, results.Count(r => r));
        Assert.Equal(["resumed"], h.Output.Lines);
    }

    [Fact]
    public async Task Cancel_RemovesBookmarks_AndFinishesAsCancelled()
    {
        var (h, id) = EventWorkflow();
        var state = (await h.Runtime.StartAsync(id, cancellationToken: Ct)).State;
        state = (await h.Runtime.CancelAsync(state.InstanceId, Ct)).State;
        Assert.Equal((WorkflowStatus.Finished, WorkflowSubStatus.Cancelled), (state.Status, state.SubStatus));
        Assert.Empty(state.Bookmarks);
        Assert.Contains(state.Journal, j => j.ActivityId == "E" && j.Event == JournalEvent.Cancelled);
        Assert.Empty(await h.Runtime.TriggerEventAsync("go", cancellationToken: Ct));
    }

    [Fact]
    public async Task State_SurvivesSerialization_AndResumesFromTheCopy()
    {
        var h = new EngineHarness();
        var definition = h.Load(Flowchart(
            Activity("S", "Elsa.SetVariable", """ "variable": { "id": "v", "name": "Ticket" }, """ + Js("value", "({ id: 'INC-9', tags: ['vpn', 'p1'] })", "Object"))
            + "," + Activity("E", "Elsa.Event", Literal("eventName", "go"))
            + "," + Activity("W", "Elsa.WriteLine", Js("text", "getTicket().id + ' ' + getTicket().tags[1]", "String")),
            Connect("S", "E") + "," + Connect("E", "W"), """{ "id": "v", "name": "Ticket", "typeName": "Object" }"""));
        var plan = await h.Runtime.GetPlanAsync(definition, Ct);
        var state = h.Runtime.Runner.CreateInstance(plan);
        await h.Runtime.Runner.StartAsync(plan, state, cancellationToken: Ct);
        var json = WorkflowStateJson.Serialize(state);
        Assert.DoesNotContain("ItsmWorkflows.", json, StringComparison.Ordinal);
        var copy = WorkflowStateJson.Deserialize(json);
        await h.Runtime.Runner.ResumeAsync(plan, copy, copy.Bookmarks[0].Id, new JsonObject(), Ct);
        Assert.Equal(["INC-9 p1"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, copy.Status);
    }
}
