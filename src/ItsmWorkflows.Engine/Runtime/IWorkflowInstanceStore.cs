using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>Port: durable instance state with optimistic concurrency, and the bookmark index.</summary>
public interface IWorkflowInstanceStore
{
    /// <summary>The instance and its concurrency version, or null.</summary>
    ValueTask<(WorkflowState State, long Version)?> FindAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// Saves a burst's outcome. <paramref name="expectedVersion"/> is the version that was read (0 for a new
    /// instance); if another burst committed in between, throws <see cref="ConcurrencyException"/> and saves nothing.
    /// </summary>
    ValueTask<long> SaveAsync(WorkflowState state, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Bookmarks waiting on a stimulus, optionally only on instances with a correlation id.</summary>
    ValueTask<IReadOnlyList<BookmarkLocation>> FindBookmarksAsync(string stimulusHash, string? correlationId, CancellationToken cancellationToken);

    /// <summary>Timer bookmarks due at or before <paramref name="now"/>.</summary>
    ValueTask<IReadOnlyList<BookmarkLocation>> FindDueTimersAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
