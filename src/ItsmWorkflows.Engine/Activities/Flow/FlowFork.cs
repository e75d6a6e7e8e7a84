namespace ItsmWorkflows.Engine.Activities.Flow;

/// <summary>Follows every branch it names at once.</summary>
public sealed class FlowFork : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.FlowFork",
        Category = "Branching",
        DisplayName = "Fork",
        Description = "Starts every named branch in parallel.",
        Inputs = [new InputDescriptor("branches", "String[]", "dynamic-outcomes") { IsRequired = true, Description = "The branch names; each becomes an outcome port." }],
        Outcomes = [],
        DynamicOutcomesFrom = "branches",
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ActivityResult.OutcomesOf(context.GetStringList("branches")));
}
