using ItsmWorkflows.Engine.Execution.Effects;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>What one burst did: its effects for the host, and which bookmarks appeared or went (for the stores' index and the timer scheduler).</summary>
public sealed class BurstResult
{
    public required WorkflowState State { get; init; }

    public List<WorkflowEffect> Effects { get; } = [];

    public List<Bookmark> CreatedBookmarks { get; } = [];

    public List<Bookmark> RemovedBookmarks { get; } = [];

    /// <summary>Index of the first journal entry this burst added.</summary>
    public int JournalStart { get; init; }

    public List<Incident> NewIncidents { get; } = [];

    public bool Finished => State.Status == WorkflowStatus.Finished;
}
