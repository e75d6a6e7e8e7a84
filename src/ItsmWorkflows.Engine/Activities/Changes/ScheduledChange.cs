namespace ItsmWorkflows.Engine.Activities.Changes;

/// <summary>A change already on the schedule, as a change schedule provider holds it.</summary>
public sealed record ScheduledChange(string Number, string? Title, IReadOnlyList<string> ServiceIds, DateTimeOffset Start, DateTimeOffset End);
