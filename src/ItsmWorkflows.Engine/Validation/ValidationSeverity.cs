namespace ItsmWorkflows.Engine.Validation;

public enum ValidationSeverity
{
    /// <summary>The definition cannot be published until this is fixed.</summary>
    Error,

    /// <summary>Worth a look; publishing is allowed.</summary>
    Warning,
}
