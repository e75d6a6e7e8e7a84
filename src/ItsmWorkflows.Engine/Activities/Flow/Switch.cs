using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Activities.Flow;

/// <summary>Runs the activity of the first (or every) case whose condition holds, else the default activity.</summary>
public sealed class Switch : ICompositeActivity, IPreparingActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Switch",
        Category = "Branching",
        DisplayName = "Switch (activities)",
        Description = "Runs the activity of the first matching case (or of every matching case in MatchAny mode), or the default activity.",
        Inputs = [SwitchCases.CasesInput, SwitchCases.ModeInput],
        Kind = ActivityKind.Container,
        ChildSlots = ["cases", "default"],
    };

    public object? Prepare(PlanNode node) => SwitchCases.Compile(node);

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var cases = context.Node.Prepared as IReadOnlyList<SwitchCase> ?? [];
        var matches = SwitchCases.Matching(cases, context).Where(c => c.Activity is not null).Select(c => new ChildSchedule(c.Activity!)).ToList();
        if (matches.Count == 0 && context.Slot("default") is { } fallback) matches.Add(new ChildSchedule(fallback));
        if (matches.Count == 0) return ValueTask.FromResult(ActivityResult.Done);
        context.GetState<CounterState>().Open = matches.Count;
        return ValueTask.FromResult(ActivityResult.Schedule(matches));
    }

    public ValueTask<ActivityResult> OnChildCompletedAsync(ActivityContext context, ChildCompletion child, CancellationToken cancellationToken)
    {
        var state = context.GetState<CounterState>();
        state.Open--;
        return ValueTask.FromResult(state.Open <= 0 ? ActivityResult.Done : ActivityResult.Waiting);
    }
}
