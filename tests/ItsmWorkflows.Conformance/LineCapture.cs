using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Conformance;

/// <summary>Collects WriteLine output, as Elsa's tests capture console lines.</summary>
public sealed class LineCapture : ILineWriter
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock) return [.. _lines];
        }
    }

    public void WriteLine(WorkflowState instance, string activityId, string text)
    {
        lock (_lock) _lines.Add(text);
    }
}
