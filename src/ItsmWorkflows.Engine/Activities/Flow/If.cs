namespace ItsmWorkflows.Engine.Activities.Flow;

/// <summary>Runs <c>then</c> or <c>else</c>; in a flowchart it also follows "True" or "False", and "Done".</summary>
public sealed class If : ICompositeActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.If",
        Category = "Branching",
        DisplayName = "If",
        Description = "Evaluates a condition, runs the Then or Else activity, and follows True or False (and Done).",
        Inputs = [new InputDescriptor("condition", "Boolean", "code-editor") { IsRequired = true, DefaultSyntax = "JavaScript" }],
        Outcomes = ["True", "False", "Done"],
        Kind = ActivityKind.Container,
        ChildSlots = ["then", "else"],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var condition = context.GetBool("condition");
        var branch = context.Slot(condition ? "then" : "else");
        return ValueTask.FromResult(branch is null ? Outcomes(condition) : ActivityResult.Schedule(new ChildSchedule(branch, condition ? "True" : "False")));
    }

    public ValueTask<ActivityResult> OnChildCompletedAsync(ActivityContext context, ChildCompletion child, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Outcomes(child.Frame.Tag == "True"));

    private static ActivityResult Outcomes(bool condition) => ActivityResult.OutcomesOf([condition ? "True" : "False", "Done"]);
}
