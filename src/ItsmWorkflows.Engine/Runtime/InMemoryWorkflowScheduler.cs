using System.Collections.Concurrent;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Execution.Effects;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>Keeps dispatched children in a queue that <see cref="WorkflowRuntime.RunBackgroundWorkAsync"/> drains; timers are found in the store when due.</summary>
public sealed class InMemoryWorkflowScheduler : IWorkflowScheduler
{
    public ConcurrentQueue<StartWorkflowEffect> Dispatches { get; } = new();

    public ConcurrentQueue<(string InstanceId, Bookmark Bookmark)> Timers { get; } = new();

    public ValueTask ScheduleTimerAsync(string instanceId, Bookmark bookmark, CancellationToken cancellationToken)
    {
        Timers.Enqueue((instanceId, bookmark));
        return ValueTask.CompletedTask;
    }

    public ValueTask DispatchAsync(StartWorkflowEffect dispatch, CancellationToken cancellationToken)
    {
        Dispatches.Enqueue(dispatch);
        return ValueTask.CompletedTask;
    }
}
