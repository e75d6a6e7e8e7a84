namespace ItsmWorkflows.Engine.Migration;

/// <summary>Why an instance cannot move to another version, naming the activity concerned (null for the instance as a whole).</summary>
public sealed record MigrationIssue(string? ActivityId, string Message);
