using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Definitions;

namespace ItsmWorkflows.Engine.Planning;

/// <summary>One activity of a compiled definition: its behaviour, compiled inputs, output targets and children.</summary>
public sealed class PlanNode
{
    public required string Path { get; init; }

    public required ActivityNode Node { get; init; }

    public required IActivity Behaviour { get; init; }

    public required ActivityDescriptor Descriptor { get; init; }

    public required DefinitionPlan Owner { get; init; }

    public PlanNode? Parent { get; init; }

    public string Id => Node.Id;

    public string Type => Node.Type;

    public Dictionary<string, CompiledInput> Inputs { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, OutputTarget> Outputs { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<PlanNode> Activities { get; } = [];

    public Dictionary<string, PlanNode> Slots { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, List<PlanNode>> ListSlots { get; } = new(StringComparer.OrdinalIgnoreCase);

    public FlowchartPlan? Flowchart { get; set; }

    /// <summary>For a definition used as an activity: the compiled child definition.</summary>
    public DefinitionPlan? ChildDefinition { get; set; }

    public MergeMode MergeMode { get; set; }

    /// <summary>Variables a container declares (a flowchart's own <c>variables</c>), with their initial values.</summary>
    public IReadOnlyList<VariablePlan> Variables { get; set; } = [];

    /// <summary>Per-type data an activity prepares once (for example FlowFork's branch names).</summary>
    public object? Prepared { get; set; }

    /// <summary>An input's script calls currentTicket(): the ticket is read before the activity runs.</summary>
    public bool ReadsTicket { get; set; }

    public override string ToString() => $"{Type} {Path}";
}
