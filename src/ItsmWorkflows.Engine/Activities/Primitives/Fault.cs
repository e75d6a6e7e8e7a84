namespace ItsmWorkflows.Engine.Activities.Primitives;

/// <summary>Faults the instance on purpose, recording an incident with a code and a message.</summary>
public sealed class Fault : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Fault",
        Category = "Primitives",
        DisplayName = "Fault",
        Description = "Stops the workflow with an incident carrying the code and message.",
        Inputs =
        [
            new InputDescriptor("code", "String", "singleline"),
            new InputDescriptor("category", "String", "singleline"),
            new InputDescriptor("message", "String", "multiline") { IsRequired = true },
        ],
        Outcomes = [],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var message = context.GetString("message");
        var category = context.GetString("category");
        var text = string.IsNullOrEmpty(category) ? message ?? "Fault" : $"{category}: {message}";
        return ValueTask.FromResult(ActivityResult.Fault(text, context.GetString("code")));
    }
}
