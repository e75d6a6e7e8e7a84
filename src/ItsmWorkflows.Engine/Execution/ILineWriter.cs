namespace ItsmWorkflows.Engine.Execution;

/// <summary>Port: where WriteLine writes (the console by default; a log in the server; a list in tests).</summary>
public interface ILineWriter
{
    void WriteLine(WorkflowState instance, string activityId, string text);
}
