namespace ItsmWorkflows.Engine.Activities.Timers;

/// <summary>Waits for a duration. Delays of months are fine: the wait is a bookmark with a due time, not a sleeping thread.</summary>
public sealed class Delay : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Delay",
        Category = "Scheduling",
        DisplayName = "Delay",
        Description = "Waits for the given duration, then continues.",
        Inputs =
        [
            new InputDescriptor("timeSpan", "TimeSpan", "timespan") { IsRequired = true, DisplayName = "Duration", Description = "d.hh:mm:ss, for example 00:05:00 or 3.00:00:00." },
            new InputDescriptor("strategy", "DelayBlockingStrategy", "dropdown") { Options = ["Auto", "Blocking", "NonBlocking"], Description = "Kept for Elsa compatibility; every delay here is a durable timer." },
            new InputDescriptor("autoBlockingThreshold", "TimeSpan", "timespan") { Description = "Kept for Elsa compatibility." },
        ],
        IsBlocking = true,
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TimerBookmarks.SuspendUntil(context, context.Now + context.GetTimeSpan("timeSpan")));

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TimerBookmarks.OnResume(context, stimulus));
}
