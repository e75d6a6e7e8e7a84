namespace ItsmWorkflows.Engine.Activities.Primitives;

/// <summary>Sets the instance's correlation id, which events and lookups match on.</summary>
public sealed class Correlate : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Correlate",
        Category = "Primitives",
        DisplayName = "Correlate",
        Description = "Sets the correlation id of the workflow instance (for example a ticket number).",
        Inputs = [new InputDescriptor("correlationId", "String", "singleline") { IsRequired = true, DisplayName = "Correlation id" }],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        context.Instance.CorrelationId = context.GetString("correlationId");
        return ValueTask.FromResult(ActivityResult.Done);
    }
}
