namespace ItsmWorkflows.Engine.Activities.Changes;

/// <summary>What a change schedule is asked: which changes and blackouts overlap this window on these services.</summary>
/// <param name="ChangeNumber">The change being checked, so a schedule that already holds it does not report it against itself.</param>
public sealed record ChangeWindowQuery(string? ChangeNumber, IReadOnlyList<string> ServiceIds, DateTimeOffset Start, DateTimeOffset End);
