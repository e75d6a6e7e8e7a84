namespace ItsmWorkflows.Engine.Execution;

public enum JournalEvent
{
    Started,
    Completed,
    Suspended,
    Resumed,
    Faulted,
    Cancelled,
    Retried,
}
