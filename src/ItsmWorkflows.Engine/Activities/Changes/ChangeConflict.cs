namespace ItsmWorkflows.Engine.Activities.Changes;

/// <summary>Another change whose window overlaps the one asked about, with the service ids the two have in common.</summary>
public sealed record ChangeConflict(string Number, string? Title, IReadOnlyList<string> SharedServiceIds, DateTimeOffset Start, DateTimeOffset End);
