namespace ItsmWorkflows.Engine.Activities.Flow;

/// <summary>Follows "True" or "False" depending on a condition.</summary>
public sealed class FlowDecision : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.FlowDecision",
        Category = "Branching",
        DisplayName = "Decision",
        Description = "Evaluates a condition and follows True or False.",
        Inputs = [new InputDescriptor("condition", "Boolean", "code-editor") { IsRequired = true, DefaultSyntax = "JavaScript" }],
        Outcomes = ["True", "False"],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ActivityResult.Outcome(context.GetBool("condition") ? "True" : "False"));
}
