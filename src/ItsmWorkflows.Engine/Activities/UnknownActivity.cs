namespace ItsmWorkflows.Engine.Activities;

/// <summary>
/// Stands in for an activity type the registry does not know, so the definition still loads and can be
/// edited. It cannot run: validation names it and publishing is refused.
/// </summary>
public sealed class UnknownActivity(string typeName) : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = typeName,
        Category = "Unknown",
        DisplayName = typeName,
        Description = $"Activity type '{typeName}' is not available in ItsmWorkflows.",
        Outcomes = [],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ActivityResult.Fault($"Activity type '{typeName}' is not available in ItsmWorkflows; replace the activity or install what provides it."));
}
