using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>WriteLine in the server goes to the structured log, tagged with the instance and activity.</summary>
public sealed partial class LoggingLineWriter(ILogger<LoggingLineWriter> logger) : ILineWriter
{
    public void WriteLine(WorkflowState instance, string activityId, string text) => Log(logger, instance.InstanceId, activityId, text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {InstanceId} {ActivityId}: {Text}")]
    private static partial void Log(ILogger logger, string instanceId, string activityId, string text);
}
