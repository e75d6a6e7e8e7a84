namespace ItsmWorkflows.Engine.Execution;

/// <summary>What a running or finished instance is doing: executing a burst, waiting on bookmarks, or how it ended.</summary>
public enum WorkflowSubStatus
{
    Pending,
    Executing,
    Suspended,
    Finished,
    Cancelled,
    Faulted,
}
