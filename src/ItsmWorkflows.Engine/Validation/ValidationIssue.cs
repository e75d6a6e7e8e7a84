namespace ItsmWorkflows.Engine.Validation;

/// <summary>One problem in a definition, naming the activity and field so a person can go and fix it.</summary>
public sealed record ValidationIssue(ValidationSeverity Severity, string? ActivityId, string? Field, string Message)
{
    public override string ToString() => Severity == ValidationSeverity.Error ? Message : "Warning: " + Message;
}
