namespace ItsmWorkflows.Engine.Activities.Primitives;

/// <summary>Sets the instance's name, shown in lists and on the tracking page.</summary>
public sealed class SetName : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.SetName",
        Category = "Primitives",
        DisplayName = "Set Name",
        Description = "Sets the name of the workflow instance.",
        Inputs = [new InputDescriptor("value", "String", "singleline") { IsRequired = true, DisplayName = "Name" }],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        context.Instance.Name = context.GetString("value");
        return ValueTask.FromResult(ActivityResult.Done);
    }
}
