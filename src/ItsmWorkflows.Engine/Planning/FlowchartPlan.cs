namespace ItsmWorkflows.Engine.Planning;

/// <summary>The compiled graph of one flowchart: connections by source, forward inbound connections by target, and the start.</summary>
public sealed class FlowchartPlan
{
    public required IReadOnlyList<PlanConnection> Connections { get; init; }

    /// <summary>Outgoing connections by source path, in definition order.</summary>
    public required IReadOnlyDictionary<string, PlanConnection[]> Outgoing { get; init; }

    /// <summary>Inbound forward connections whose source can run, by target path. Their count is what a join waits for.</summary>
    public required IReadOnlyDictionary<string, PlanConnection[]> InboundForward { get; init; }

    /// <summary>All inbound connections whose source can run (loop-backs included), by target path.</summary>
    public required IReadOnlyDictionary<string, PlanConnection[]> InboundAll { get; init; }

    /// <summary>Where a run starts when no trigger names another activity.</summary>
    public required IReadOnlyList<PlanNode> Starts { get; init; }

    /// <summary>Activities no start or trigger can reach.</summary>
    public required IReadOnlyList<PlanNode> Unreachable { get; init; }
}
