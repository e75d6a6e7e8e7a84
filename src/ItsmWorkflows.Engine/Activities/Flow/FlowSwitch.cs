using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Activities.Flow;

/// <summary>Follows the outcome named by the first (or every) case whose condition holds, else "Default".</summary>
public sealed class FlowSwitch : IActivity, IPreparingActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.FlowSwitch",
        Category = "Branching",
        DisplayName = "Switch",
        Description = "Follows the outcome of the first case (or of every case, in MatchAny mode) whose condition holds; Default when none does.",
        Inputs = [SwitchCases.CasesInput, SwitchCases.ModeInput],
        Outcomes = ["Default"],
        DynamicOutcomesFrom = "cases",
    };

    public object? Prepare(PlanNode node) => SwitchCases.Compile(node);

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var cases = context.Node.Prepared as IReadOnlyList<SwitchCase> ?? [];
        var matches = SwitchCases.Matching(cases, context);
        return ValueTask.FromResult(matches.Count == 0 ? ActivityResult.Outcome("Default") : ActivityResult.OutcomesOf([.. matches.Select(m => m.Label)]));
    }
}
