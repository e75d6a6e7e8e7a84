namespace ItsmWorkflows.Engine.Execution;

public enum FrameStatus
{
    /// <summary>Queued to execute in the current or the next burst.</summary>
    Scheduled,

    /// <summary>Executed; a container waiting for its children.</summary>
    Running,

    /// <summary>Waiting on one or more bookmarks.</summary>
    Suspended,

    /// <summary>Faulted; an open incident points at it and a retry executes it again.</summary>
    Faulted,
}
