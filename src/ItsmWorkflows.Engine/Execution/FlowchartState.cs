namespace ItsmWorkflows.Engine.Execution;

/// <summary>
/// Token bookkeeping of a flowchart: for each activity with several inbound connections, which of
/// them have delivered a live or a dead token in the current round.
/// </summary>
public sealed class FlowchartState : FrameState
{
    /// <summary>Open child frames of this flowchart.</summary>
    public int Open { get; set; }

    public Dictionary<string, JoinRound> Rounds { get; set; } = new(StringComparer.Ordinal);
}
