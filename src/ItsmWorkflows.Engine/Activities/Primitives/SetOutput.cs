namespace ItsmWorkflows.Engine.Activities.Primitives;

/// <summary>Sets an output of the enclosing workflow (or of the definition used as an activity).</summary>
public sealed class SetOutput : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.SetOutput",
        Category = "Primitives",
        DisplayName = "Set Output",
        Description = "Sets an output of the workflow.",
        Inputs =
        [
            new InputDescriptor("outputName", "String", "singleline") { IsRequired = true, DisplayName = "Output name" },
            new InputDescriptor("outputValue", "Object", "singleline") { DisplayName = "Value" },
        ],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var name = context.GetString("outputName");
        if (string.IsNullOrWhiteSpace(name)) return ValueTask.FromResult(ActivityResult.Fault("Set Output has no output name."));
        context.SetWorkflowOutput(name, context.Get("outputValue"));
        return ValueTask.FromResult(ActivityResult.Done);
    }
}
