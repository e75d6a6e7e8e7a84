using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Activities.Events;

/// <summary>Waits for a named event (optionally for this instance's correlation id); as a trigger, starts the workflow.</summary>
public sealed class Event : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Event",
        Category = "Primitives",
        DisplayName = "Event",
        Description = "Waits until the named event is published; its payload becomes the Result output.",
        Inputs = [new InputDescriptor("eventName", "String", "singleline") { IsRequired = true, DisplayName = "Event name" }],
        Outputs = [new OutputDescriptor("result", "Object") { Description = "The event's payload." }],
        Kind = ActivityKind.Trigger,
        IsBlocking = true,
    };

    public static string Stimulus(string eventName) => eventName;

    /// <summary>The stimulus hash of a bookmark waiting on the named event: what publishing it looks up.</summary>
    public static string StimulusHashOf(string eventName) => Execution.StimulusHash.Compute("Elsa.Event", Stimulus(eventName));

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (context.IsTriggeredStart)
        {
            context.SetOutput("result", context.TriggerPayload?.DeepClone());
            return ValueTask.FromResult(ActivityResult.Done);
        }
        var name = context.GetString("eventName");
        if (string.IsNullOrWhiteSpace(name)) return ValueTask.FromResult(ActivityResult.Fault("Event has no event name."));
        return ValueTask.FromResult(ActivityResult.Suspend(context.CreateBookmark(Stimulus(name), new JsonObject { ["eventName"] = name })));
    }

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken)
    {
        context.SetOutput("result", stimulus.Payload?.DeepClone());
        return ValueTask.FromResult(ActivityResult.Done);
    }
}
