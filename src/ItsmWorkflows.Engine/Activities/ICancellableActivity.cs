namespace ItsmWorkflows.Engine.Activities;

/// <summary>
/// An activity that leaves something behind outside the instance while it waits (an open task), and must
/// withdraw it when it is cancelled: a wait-any branch lost, End reached, or the instance cancelled.
/// </summary>
public interface ICancellableActivity
{
    /// <summary>Runs in the cancelling burst; what it asks for commits with that burst.</summary>
    void OnCancelled(ActivityContext context);
}
