namespace ItsmWorkflows.Engine.Activities.Composition;

/// <summary>A container node holding one activity (usually a nested flowchart) in its <c>body</c>.</summary>
public sealed class FlowNode : ICompositeActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.FlowNode",
        Category = "Flow",
        DisplayName = "Container",
        Description = "Runs the activity in its body (for example a nested flowchart) and completes when it does.",
        Kind = ActivityKind.Container,
        ChildSlots = ["body"],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.Slot("body") is { } body ? ActivityResult.Schedule(new ChildSchedule(body)) : ActivityResult.Done);

    public ValueTask<ActivityResult> OnChildCompletedAsync(ActivityContext context, ChildCompletion child, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ActivityResult.Done);
}
