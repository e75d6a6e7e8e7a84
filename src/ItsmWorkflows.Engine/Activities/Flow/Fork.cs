using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Activities.Flow;

/// <summary>Runs its branch activities in parallel; completes when all (WaitAll) or the first (WaitAny) have completed.</summary>
public sealed class Fork : ICompositeActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Fork",
        Category = "Branching",
        DisplayName = "Fork (activities)",
        Description = "Runs its branches in parallel; with WaitAny the first branch to complete cancels the others.",
        Inputs = [new InputDescriptor("joinMode", "ForkJoinMode", "dropdown") { Options = ["WaitAll", "WaitAny"], DefaultValue = System.Text.Json.Nodes.JsonValue.Create("WaitAll") }],
        Kind = ActivityKind.Container,
        ChildSlots = ["branches"],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var branches = context.Node.ListSlots.GetValueOrDefault("branches") ?? [];
        if (branches.Count == 0) return ValueTask.FromResult(ActivityResult.Done);
        context.GetState<CounterState>().Open = branches.Count;
        return ValueTask.FromResult(ActivityResult.Schedule([.. branches.Select(b => new ChildSchedule(b))]));
    }

    public ValueTask<ActivityResult> OnChildCompletedAsync(ActivityContext context, ChildCompletion child, CancellationToken cancellationToken)
    {
        var state = context.GetState<CounterState>();
        state.Open--;
        if (string.Equals(context.GetString("joinMode"), "WaitAny", StringComparison.OrdinalIgnoreCase))
        {
            context.CancelChildren();
            return ValueTask.FromResult(ActivityResult.Done);
        }
        return ValueTask.FromResult(state.Open <= 0 ? ActivityResult.Done : ActivityResult.Waiting);
    }
}
