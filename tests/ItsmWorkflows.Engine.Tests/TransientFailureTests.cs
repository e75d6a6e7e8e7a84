using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>Transient store failures are retried, not recorded as faults, and never apply a step twice.</summary>
public sealed class TransientFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAndResume_RetryTransientFailures_WithoutDuplicatingSteps()
    {
        var flaky = new FlakyInstanceStore(new InMemoryWorkflowInstanceStore());
        var h = new EngineHarness(instances: flaky);
        var definition = h.Load(Flowchart(
            Activity("A", "Elsa.WriteLine", Literal("text", "before")) + "," + Activity("E", "Elsa.Event", Literal("eventName", "go")) + "," + Activity("B", "Elsa.WriteLine", Literal("text", "after")),
            Connect("A", "E") + "," + Connect("E", "B")));

        flaky.FailuresLeft = 2;
        var state = (await h.Runtime.StartAsync(definition.DefinitionId, cancellationToken: Ct)).State;
        Assert.Equal(WorkflowSubStatus.Suspended, state.SubStatus);
        Assert.Empty(state.Incidents);
        Assert.Equal(3, flaky.Saves);

        flaky.FailuresLeft = 1;
        state = (await h.Runtime.ResumeAsync(state.InstanceId, state.Bookmarks[0].Id, cancellationToken: Ct)).State;
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        // The failed attempts ran the bursts too (WriteLine is an effect on the host), but only the committed ones count in the journal.
        Assert.Single(state.Journal, j => j.ActivityId == "B" && j.Event == JournalEvent.Completed);
        Assert.Single(state.Journal, j => j.ActivityId == "E" && j.Event == JournalEvent.Resumed);
    }

    [Fact]
    public async Task PersistentFailure_SurfacesAfterTheRetries()
    {
        var flaky = new FlakyInstanceStore(new InMemoryWorkflowInstanceStore()) { FailuresLeft = 100 };
        var h = new EngineHarness(instances: flaky);
        var definition = h.Load(Flowchart(Activity("A", "Elsa.WriteLine", Literal("text", "x"))));
        await Assert.ThrowsAsync<TransientStoreException>(() => h.Runtime.StartAsync(definition.DefinitionId, cancellationToken: Ct).AsTask());
        Assert.Equal(4, flaky.Saves);
    }
}
