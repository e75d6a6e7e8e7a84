using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>Progress of sequential and parallel containers: a position, a count of open children, and the items being iterated.</summary>
public sealed class CounterState : FrameState
{
    public int Index { get; set; }

    public int Open { get; set; }

    public int Completed { get; set; }

    public bool Done { get; set; }

    public JsonArray? Items { get; set; }
}
