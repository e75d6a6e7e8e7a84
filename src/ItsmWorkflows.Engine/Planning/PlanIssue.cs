namespace ItsmWorkflows.Engine.Planning;

/// <summary>A problem found while compiling a definition; validation reports it.</summary>
public sealed record PlanIssue(string? ActivityId, string? Field, string Message);
