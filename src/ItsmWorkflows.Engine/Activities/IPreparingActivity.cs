using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Activities;

/// <summary>An activity that precomputes something per plan node (parsed cron, branch names); errors become validation issues.</summary>
public interface IPreparingActivity
{
    object? Prepare(PlanNode node);
}
