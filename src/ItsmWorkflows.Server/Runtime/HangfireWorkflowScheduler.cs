using Hangfire;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Execution.Effects;
using ItsmWorkflows.Engine.Runtime;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// The engine's scheduler port: a queued Hangfire job per dispatched child (jobs carry ids only). Timers
/// need nothing here: the timer row is committed with the burst and the <see cref="TimerPump"/> fires it.
/// </summary>
internal sealed class HangfireWorkflowScheduler(IBackgroundJobClient jobs) : IWorkflowScheduler
{
    public ValueTask ScheduleTimerAsync(string instanceId, Bookmark bookmark, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DispatchAsync(StartWorkflowEffect dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        jobs.Enqueue<DispatchWorkflowJob>(j => j.RunAsync(
            dispatch.ChildInstanceId, dispatch.DefinitionId, dispatch.Input == null ? null : dispatch.Input.ToJsonString(),
            dispatch.CorrelationId, dispatch.ParentInstanceId, dispatch.ParentBookmarkId, CancellationToken.None));
        return ValueTask.CompletedTask;
    }
}
