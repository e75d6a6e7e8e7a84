namespace ItsmWorkflows.Engine.Activities;

/// <summary>An activity that schedules child activities and decides what happens when each completes.</summary>
public interface ICompositeActivity : IActivity
{
    ValueTask<ActivityResult> OnChildCompletedAsync(ActivityContext context, ChildCompletion child, CancellationToken cancellationToken);
}
