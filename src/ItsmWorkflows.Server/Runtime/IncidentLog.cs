using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// An activity that faulted stops its process until someone retries it; operators learn of it from the log as
/// well as from the instance's incidents. Logged once, after the burst that raised it committed.
/// </summary>
public sealed partial class IncidentLog(ILogger<IncidentLog> logger)
{
    public void Committed(WorkflowState instance, Incident incident) =>
        Log(logger, instance.InstanceId, instance.DefinitionId, instance.CorrelationId, incident.ActivityId, incident.ActivityType, incident.Code, incident.Message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident on workflow {InstanceId} ({DefinitionId}, correlation {CorrelationId}): activity {ActivityId} ({ActivityType}) faulted [{Code}]: {Message}")]
    private static partial void Log(ILogger logger, string instanceId, string definitionId, string? correlationId, string activityId, string activityType, string? code, string message);
}
