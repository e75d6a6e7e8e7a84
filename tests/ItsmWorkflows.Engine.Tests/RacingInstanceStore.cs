using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>An in-memory store that runs a hook just before a save: another burst commits in between, as in a real race.</summary>
public sealed class RacingInstanceStore(InMemoryWorkflowInstanceStore inner) : IWorkflowInstanceStore
{
    public Func<Task>? BeforeNextSave { get; set; }

    public bool AlwaysConflict { get; set; }

    public int SaveAttempts { get; private set; }

    public ValueTask<(WorkflowState State, long Version)?> FindAsync(string instanceId, CancellationToken cancellationToken) => inner.FindAsync(instanceId, cancellationToken);

    public async ValueTask<long> SaveAsync(WorkflowState state, long expectedVersion, CancellationToken cancellationToken)
    {
        SaveAttempts++;
        if (BeforeNextSave is { } hook)
        {
            BeforeNextSave = null;
            await hook();
        }
        if (AlwaysConflict && expectedVersion > 0) throw new ConcurrencyException($"Instance {state.InstanceId} changed (simulated).");
        return await inner.SaveAsync(state, expectedVersion, cancellationToken);
    }

    public ValueTask<IReadOnlyList<BookmarkLocation>> FindBookmarksAsync(string stimulusHash, string? correlationId, CancellationToken cancellationToken) =>
        inner.FindBookmarksAsync(stimulusHash, correlationId, cancellationToken);

    public ValueTask<IReadOnlyList<BookmarkLocation>> FindDueTimersAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.FindDueTimersAsync(now, cancellationToken);
}
