using ItsmWorkflows.Engine.Runtime;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// Fires one timer bookmark. Hangfire may run it twice or up to a second early: a fired bookmark is
/// gone (nothing happens the second time) and an early resume waits again with the same due time.
/// </summary>
internal sealed class FireTimerJob(WorkflowRuntime runtime)
{
    public async Task RunAsync(string instanceId, string bookmarkId, CancellationToken cancellationToken) =>
        await runtime.FireTimerAsync(instanceId, bookmarkId, cancellationToken);
}
