using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Benchmarks;

/// <summary>WriteLine goes nowhere: the benchmark measures the engine, not the console.</summary>
internal sealed class NullLineWriter : ILineWriter
{
    public static NullLineWriter Instance { get; } = new();

    public void WriteLine(WorkflowState instance, string activityId, string text)
    {
    }
}
