namespace ItsmWorkflows.Engine.Execution;

/// <summary>Whether an instance can still do anything.</summary>
public enum WorkflowStatus
{
    Running,
    Finished,
}
