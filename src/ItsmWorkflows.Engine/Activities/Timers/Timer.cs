namespace ItsmWorkflows.Engine.Activities.Timers;

/// <summary>A recurring trigger (every interval); inside a running workflow it waits one interval.</summary>
public sealed class Timer : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Timer",
        Category = "Scheduling",
        DisplayName = "Timer",
        Description = "Starts the workflow every interval; inside a running workflow it waits one interval.",
        Inputs = [new InputDescriptor("interval", "TimeSpan", "timespan") { IsRequired = true }],
        Kind = ActivityKind.Trigger,
        IsBlocking = true,
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.IsTriggeredStart ? ActivityResult.Done : TimerBookmarks.SuspendUntil(context, context.Now + context.GetTimeSpan("interval")));

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TimerBookmarks.OnResume(context, stimulus));
}
