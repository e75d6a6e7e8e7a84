using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Expressions;

namespace ItsmWorkflows.Engine.Activities.Primitives;

/// <summary>Completes the enclosing workflow (or definition used as an activity) with the given outcomes.</summary>
public sealed class Complete : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Complete",
        Category = "Flow",
        DisplayName = "Complete",
        Description = "Completes the enclosing workflow with one or more outcomes; used as an activity, the workflow then follows those outcomes.",
        Inputs = [new InputDescriptor("outcomes", "Object", "outcome-picker") { Description = "An outcome name, or a list of them.", DefaultValue = JsonValue.Create("Done") }],
        Outcomes = [],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var outcomes = ValueConverter.ToStringList(context.Get("outcomes"));
        return ValueTask.FromResult(ActivityResult.CompleteScope(outcomes.Count > 0 ? outcomes : ["Done"]));
    }
}
