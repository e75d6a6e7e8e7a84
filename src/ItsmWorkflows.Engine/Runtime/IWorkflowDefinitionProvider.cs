using ItsmWorkflows.Engine.Definitions;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>Port: finds definition versions (for child workflows and definitions used as activities).</summary>
public interface IWorkflowDefinitionProvider
{
    /// <summary>
    /// The version with <paramref name="versionId"/> when given and present; otherwise the published
    /// version of <paramref name="definitionId"/>; otherwise its latest version; null when unknown.
    /// </summary>
    ValueTask<WorkflowDefinition?> FindAsync(string definitionId, string? versionId, CancellationToken cancellationToken);

    /// <summary>A definition usable as an activity whose activity type name is <paramref name="activityType"/> (its name without spaces).</summary>
    ValueTask<WorkflowDefinition?> FindByActivityTypeAsync(string activityType, CancellationToken cancellationToken);
}
