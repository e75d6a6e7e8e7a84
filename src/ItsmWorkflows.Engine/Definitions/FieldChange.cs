namespace ItsmWorkflows.Engine.Definitions;

/// <summary>A changed field, with its value before and after as JSON text (null when absent).</summary>
public sealed record FieldChange(string Field, string? Before, string? After);
