using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class BookmarkResumeTests
{
    private static readonly string Waiting = Flowchart(
        Activity("Event1", "Elsa.Event", Literal("eventName", "approved")) + "," + WriteLine("After", "after"),
        Connect("Event1", "After"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ResumeAsync_ByBookmarkId_ContinuesInstance()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Waiting);

        var resumed = (await h.Runtime.ResumeAsync(state.InstanceId, Assert.Single(state.Bookmarks).Id, new JsonObject { ["by"] = "cab" }, Ct)).State;

        Assert.Equal(WorkflowStatus.Finished, resumed.Status);
        Assert.Equal(["after"], h.Output.Lines);
    }

    [Fact]
    public async Task Bookmark_Created_CarriesStimulusHashTheStoreFindsItBy()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Waiting);
        var bookmark = Assert.Single(state.Bookmarks);

        var hash = StimulusHash.Compute("Elsa.Event", "approved");
        var found = await h.Instances.FindBookmarksAsync(hash, null, Ct);

        Assert.Equal(hash, bookmark.StimulusHash);
        Assert.NotEqual(StimulusHash.Compute("Elsa.Event", "rejected"), bookmark.StimulusHash);
        Assert.Equal(bookmark.Id, Assert.Single(found).BookmarkId);
        Assert.Equal("Event1", bookmark.ActivityId);
    }

    [Fact]
    public async Task ResumeAsync_SameBookmarkTwice_SecondThrowsBookmarkNotFound()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Waiting);
        var bookmarkId = state.Bookmarks[0].Id;
        await h.Runtime.ResumeAsync(state.InstanceId, bookmarkId, cancellationToken: Ct);

        await Assert.ThrowsAsync<BookmarkNotFoundException>(async () => await h.Runtime.ResumeAsync(state.InstanceId, bookmarkId, cancellationToken: Ct));
        Assert.Equal(["after"], h.Output.Lines);
    }

    [Fact]
    public async Task ResumeAsync_RacingResumeCommitsFirst_LoserRetriesAndFailsCleanly()
    {
        var memory = new InMemoryWorkflowInstanceStore();
        var store = new RacingInstanceStore(memory);
        var h = new EngineHarness(instances: store);
        var state = await h.StartAsync(Waiting);
        var bookmarkId = state.Bookmarks[0].Id;
        RunResult? winner = null;
        store.BeforeNextSave = async () => winner = await h.Runtime.ResumeAsync(state.InstanceId, bookmarkId, cancellationToken: Ct);

        await Assert.ThrowsAsync<BookmarkNotFoundException>(async () => await h.Runtime.ResumeAsync(state.InstanceId, bookmarkId, cancellationToken: Ct));

        Assert.NotNull(winner);
        var committed = (await memory.FindAsync(state.InstanceId, Ct))!.Value;
        Assert.Equal(WorkflowStatus.Finished, committed.State.Status);
        Assert.Equal(2, committed.Version);
        Assert.Single(committed.State.Journal, j => j.ActivityId == "Event1" && j.Event == JournalEvent.Resumed);
        Assert.Single(committed.State.Journal, j => j.ActivityId == "After" && j.Event == JournalEvent.Completed);
    }

    [Fact]
    public async Task ResumeAsync_EverySaveConflicts_GivesUpWithConcurrencyException()
    {
        var store = new RacingInstanceStore(new InMemoryWorkflowInstanceStore());
        var h = new EngineHarness(instances: store);
        var state = await h.StartAsync(Waiting);
        store.AlwaysConflict = true;
        var attemptsBefore = store.SaveAttempts;

        await Assert.ThrowsAsync<ConcurrencyException>(async () => await h.Runtime.ResumeAsync(state.InstanceId, state.Bookmarks[0].Id, cancellationToken: Ct));

        Assert.Equal(5, store.SaveAttempts - attemptsBefore);
        var stored = (await store.FindAsync(state.InstanceId, Ct))!.Value.State;
        Assert.Single(stored.Bookmarks);
        Assert.Equal(WorkflowSubStatus.Suspended, stored.SubStatus);
    }

    [Fact]
    public async Task CancelAsync_WaitingInstance_RemovesBookmarksAndEndsCancelled()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Waiting);

        var cancelled = (await h.Runtime.CancelAsync(state.InstanceId, Ct)).State;

        Assert.Equal(WorkflowStatus.Finished, cancelled.Status);
        Assert.Equal(WorkflowSubStatus.Cancelled, cancelled.SubStatus);
        Assert.Empty(cancelled.Bookmarks);
        Assert.Contains(cancelled.Journal, j => j.ActivityId == "Event1" && j.Event == JournalEvent.Cancelled);
        Assert.Empty(await h.Runtime.TriggerEventAsync("approved", cancellationToken: Ct));
        await Assert.ThrowsAsync<BookmarkNotFoundException>(async () => await h.Runtime.ResumeAsync(state.InstanceId, state.Bookmarks[0].Id, cancellationToken: Ct));
        Assert.Empty(h.Output.Lines);
    }
}
