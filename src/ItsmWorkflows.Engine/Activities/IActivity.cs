namespace ItsmWorkflows.Engine.Activities;

/// <summary>
/// The behaviour of an activity type. One instance serves every execution, so implementations keep
/// no per-execution fields: they read inputs from the context and return what happens next.
/// </summary>
public interface IActivity
{
    ActivityDescriptor Descriptor { get; }

    ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken);

    /// <summary>Called when one of the activity's bookmarks is resumed; by default it completes with "Done".</summary>
    ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken)
        => ValueTask.FromResult(ActivityResult.Done);
}
