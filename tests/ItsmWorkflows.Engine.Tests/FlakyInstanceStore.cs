using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>An instance store whose next saves fail as a database restart would, then work again.</summary>
public sealed class FlakyInstanceStore(IWorkflowInstanceStore inner) : IWorkflowInstanceStore
{
    public int FailuresLeft { get; set; }

    public int Saves { get; private set; }

    public ValueTask<(WorkflowState State, long Version)?> FindAsync(string instanceId, CancellationToken cancellationToken) => inner.FindAsync(instanceId, cancellationToken);

    public ValueTask<long> SaveAsync(WorkflowState state, long expectedVersion, CancellationToken cancellationToken)
    {
        Saves++;
        if (FailuresLeft > 0)
        {
            FailuresLeft--;
            throw new TransientStoreException("connection reset by peer (simulated)");
        }
        return inner.SaveAsync(state, expectedVersion, cancellationToken);
    }

    public ValueTask<IReadOnlyList<BookmarkLocation>> FindBookmarksAsync(string stimulusHash, string? correlationId, CancellationToken cancellationToken) =>
        inner.FindBookmarksAsync(stimulusHash, correlationId, cancellationToken);

    public ValueTask<IReadOnlyList<BookmarkLocation>> FindDueTimersAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.FindDueTimersAsync(now, cancellationToken);
}
