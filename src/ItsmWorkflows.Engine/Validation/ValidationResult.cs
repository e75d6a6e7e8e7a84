namespace ItsmWorkflows.Engine.Validation;

/// <summary>All issues of a definition; it can be published when there is no error.</summary>
public sealed record ValidationResult(IReadOnlyList<ValidationIssue> Issues)
{
    public IEnumerable<ValidationIssue> Errors => Issues.Where(i => i.Severity == ValidationSeverity.Error);

    public IEnumerable<ValidationIssue> Warnings => Issues.Where(i => i.Severity == ValidationSeverity.Warning);

    public bool IsValid => !Errors.Any();
}
