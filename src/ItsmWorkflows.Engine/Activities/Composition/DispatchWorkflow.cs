namespace ItsmWorkflows.Engine.Activities.Composition;

/// <summary>Like ExecuteWorkflow, but the child is queued as background work (a job) instead of running right after the burst.</summary>
public sealed class DispatchWorkflow : ExecuteWorkflow
{
    public DispatchWorkflow() : base("Elsa.DispatchWorkflow", "Dispatch Workflow", "Queues another workflow as background work; optionally waits for it to finish.", true) { }
}
