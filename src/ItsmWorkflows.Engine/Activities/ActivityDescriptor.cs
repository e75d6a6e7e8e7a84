namespace ItsmWorkflows.Engine.Activities;

/// <summary>
/// Everything the designer's toolbox and property panel need to know about an activity type,
/// and what validation checks a definition against.
/// </summary>
public sealed record ActivityDescriptor
{
    public required string TypeName { get; init; }

    public required string Category { get; init; }

    public required string DisplayName { get; init; }

    public required string Description { get; init; }

    public IReadOnlyList<InputDescriptor> Inputs { get; init; } = [];

    public IReadOnlyList<OutputDescriptor> Outputs { get; init; } = [];

    /// <summary>The outcome ports a flowchart can connect; dynamic ports (fork branches, switch cases) come from <see cref="DynamicOutcomesFrom"/>.</summary>
    public IReadOnlyList<string> Outcomes { get; init; } = ["Done"];

    /// <summary>Name of the input whose value adds outcome ports (FlowFork's branches, FlowSwitch's cases), if any.</summary>
    public string? DynamicOutcomesFrom { get; init; }

    /// <summary>Kind of node: an action, a trigger that can start a workflow, or a container of other activities.</summary>
    public ActivityKind Kind { get; init; } = ActivityKind.Action;

    /// <summary>Names of properties that hold child activities (body, then, else, activities, branches).</summary>
    public IReadOnlyList<string> ChildSlots { get; init; } = [];

    /// <summary>Whether the activity can run in a flowchart (outcome ports) as well as in a sequence.</summary>
    public bool IsFlowNode { get; init; } = true;

    /// <summary>Whether the activity waits for a stimulus (event, timer, approval) before it completes.</summary>
    public bool IsBlocking { get; init; }
}
