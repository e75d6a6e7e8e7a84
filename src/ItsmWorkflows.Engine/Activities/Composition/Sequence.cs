using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Activities.Composition;

/// <summary>Runs its activities one after another.</summary>
public sealed class Sequence : ICompositeActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Sequence",
        Category = "Flow",
        DisplayName = "Sequence",
        Description = "Runs its activities one after another.",
        Kind = ActivityKind.Container,
        ChildSlots = ["activities"],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var children = context.Node.Activities;
        if (children.Count == 0) return ValueTask.FromResult(ActivityResult.Done);
        context.GetState<CounterState>().Index = 0;
        return ValueTask.FromResult(ActivityResult.Schedule(new ChildSchedule(children[0])));
    }

    public ValueTask<ActivityResult> OnChildCompletedAsync(ActivityContext context, ChildCompletion child, CancellationToken cancellationToken)
    {
        var state = context.GetState<CounterState>();
        var children = context.Node.Activities;
        state.Index++;
        return ValueTask.FromResult(state.Index < children.Count ? ActivityResult.Schedule(new ChildSchedule(children[state.Index])) : ActivityResult.Done);
    }
}
