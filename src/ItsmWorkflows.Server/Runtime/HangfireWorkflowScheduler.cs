using Hangfire;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Execution.Effects;
using ItsmWorkflows.Engine.Runtime;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>The engine's scheduler port on Hangfire: a delayed job per timer, a queued job per dispatched child. Jobs carry ids only.</summary>
internal sealed class HangfireWorkflowScheduler(IBackgroundJobClient jobs) : IWorkflowScheduler
{
    public ValueTask ScheduleTimerAsync(string instanceId, Bookmark bookmark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bookmark);
        jobs.Schedule<FireTimerJob>(j => j.RunAsync(instanceId, bookmark.Id, CancellationToken.None), bookmark.DueAt ?? DateTimeOffset.UtcNow);
        return ValueTask.CompletedTask;
    }

    public ValueTask DispatchAsync(StartWorkflowEffect dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        jobs.Enqueue<DispatchWorkflowJob>(j => j.RunAsync(
            dispatch.ChildInstanceId, dispatch.DefinitionId, dispatch.Input == null ? null : dispatch.Input.ToJsonString(),
            dispatch.CorrelationId, dispatch.ParentInstanceId, dispatch.ParentBookmarkId, CancellationToken.None));
        return ValueTask.CompletedTask;
    }
}
