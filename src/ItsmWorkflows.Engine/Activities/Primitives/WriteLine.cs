namespace ItsmWorkflows.Engine.Activities.Primitives;

/// <summary>Writes a line of text to the host's output (console, log).</summary>
public sealed class WriteLine : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.WriteLine",
        Category = "Primitives",
        DisplayName = "Write Line",
        Description = "Writes a line of text to the host's output.",
        Inputs = [new InputDescriptor("text", "String", "singleline")],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        context.Services.Lines.WriteLine(context.Instance, context.ActivityId, context.GetString("text") ?? "");
        return ValueTask.FromResult(ActivityResult.Done);
    }
}
