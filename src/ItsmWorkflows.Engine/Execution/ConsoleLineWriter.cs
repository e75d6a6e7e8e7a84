namespace ItsmWorkflows.Engine.Execution;

public sealed class ConsoleLineWriter : ILineWriter
{
    public static ConsoleLineWriter Instance { get; } = new();

    public void WriteLine(WorkflowState instance, string activityId, string text) => Console.Out.WriteLine(text);
}
