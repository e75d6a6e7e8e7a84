using ItsmWorkflows.Engine.Execution.Effects;

namespace ItsmWorkflows.Engine.Activities.Events;

/// <summary>Publishes a named event; waiting Event activities (matching the correlation id, when one is given) resume.</summary>
public sealed class PublishEvent : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.PublishEvent",
        Category = "Primitives",
        DisplayName = "Publish Event",
        Description = "Publishes an event to every waiting Event activity with that name (and correlation id, if given).",
        Inputs =
        [
            new InputDescriptor("eventName", "String", "singleline") { IsRequired = true, DisplayName = "Event name" },
            new InputDescriptor("correlationId", "String", "singleline") { DisplayName = "Correlation id" },
            new InputDescriptor("payload", "Object", "json-editor"),
        ],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var name = context.GetString("eventName");
        if (string.IsNullOrWhiteSpace(name)) return ValueTask.FromResult(ActivityResult.Fault("Publish Event has no event name."));
        context.AddEffect(new PublishEventEffect(name, context.GetString("correlationId"), context.Get("payload")?.DeepClone(), context.Instance.InstanceId));
        return ValueTask.FromResult(ActivityResult.Done);
    }
}
