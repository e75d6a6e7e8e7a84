using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// Recurring safety net: fires every timer that is due and still waiting, whatever happened to its
/// scheduled job (a crash between commit and scheduling, in-memory job storage lost on restart).
/// The timers table is the truth; firing is idempotent, so overlapping with the scheduled job is harmless.
/// </summary>
internal sealed class TimerSweepJob(WorkflowRuntime runtime, IWorkflowInstanceStore instances, WorkflowServices services)
{
    public const string RecurringId = "timer-sweep";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var due = await instances.FindDueTimersAsync(services.Time.GetUtcNow(), cancellationToken);
        var fired = 0;
        foreach (var timer in due)
        {
            try
            {
                if (await runtime.FireTimerAsync(timer.InstanceId, timer.BookmarkId, cancellationToken) is not null) fired++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Stopped by an incident (it fires after the retry) or failing on its own: the other instances' timers go on,
                // and the timer pump, which logs and sets such a timer aside, tries it again.
            }
        }
        return fired;
    }
}
