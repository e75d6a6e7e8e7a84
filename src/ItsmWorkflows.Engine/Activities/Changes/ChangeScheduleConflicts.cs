namespace ItsmWorkflows.Engine.Activities.Changes;

/// <summary>What overlaps a change's window: other changes on shared services, and blackout windows.</summary>
public sealed record ChangeScheduleConflicts(IReadOnlyList<ChangeConflict> Changes, IReadOnlyList<BlackoutWindow> Blackouts)
{
    public static ChangeScheduleConflicts None { get; } = new([], []);

    public bool IsEmpty => Changes.Count == 0 && Blackouts.Count == 0;
}
