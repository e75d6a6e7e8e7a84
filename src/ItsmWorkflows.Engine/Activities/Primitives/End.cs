namespace ItsmWorkflows.Engine.Activities.Primitives;

/// <summary>Completes the enclosing flowchart, cancelling its other paths.</summary>
public sealed class End : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.End",
        Category = "Flow",
        DisplayName = "End",
        Description = "Completes the enclosing flowchart; paths still running in it are cancelled.",
        Outcomes = [],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => ValueTask.FromResult(ActivityResult.EndFlowchart);
}
