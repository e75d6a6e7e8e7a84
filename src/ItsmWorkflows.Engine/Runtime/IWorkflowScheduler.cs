using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Execution.Effects;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>
/// Port: asynchronous work that follows a committed burst. The server backs it with Hangfire jobs;
/// tests and the conformance command use <see cref="InMemoryWorkflowScheduler"/>.
/// Checkpoint: it is called after the commit, so a crash in between loses the call but not the work;
/// the host's sweep finds due timers and pending children in the database and schedules them again.
/// </summary>
public interface IWorkflowScheduler
{
    /// <summary>A timer bookmark was committed; resume it at <see cref="Bookmark.DueAt"/>.</summary>
    ValueTask ScheduleTimerAsync(string instanceId, Bookmark bookmark, CancellationToken cancellationToken);

    /// <summary>A DispatchWorkflow child was committed; start it as background work.</summary>
    ValueTask DispatchAsync(StartWorkflowEffect dispatch, CancellationToken cancellationToken);
}
