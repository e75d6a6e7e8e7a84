namespace ItsmWorkflows.Engine.Activities.Primitives;

/// <summary>Finishes the whole instance at once.</summary>
public sealed class Finish : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Finish",
        Category = "Flow",
        DisplayName = "Finish",
        Description = "Finishes the workflow instance; everything still running or waiting is cancelled.",
        Outcomes = [],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => ValueTask.FromResult(ActivityResult.FinishInstance);
}
