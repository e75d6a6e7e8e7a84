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

    /// <summary>The instance moved to another version of its definition (the message says which and who moved it).</summary>
    Migrated,
}
