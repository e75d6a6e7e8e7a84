namespace ItsmWorkflows.Engine.Activities.Primitives;

/// <summary>Marks where a flowchart starts.</summary>
public sealed class Start : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Start",
        Category = "Flow",
        DisplayName = "Start",
        Description = "Marks where the flowchart starts.",
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => ValueTask.FromResult(ActivityResult.Done);
}
