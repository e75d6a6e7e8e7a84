namespace ItsmWorkflows.Engine.Activities.Flow;

/// <summary>
/// Joins branches in a flowchart. The waiting itself is the flowchart's job (see MergeMode): WaitAll runs
/// once every inbound branch has arrived, WaitAny on the first arrival of a round.
/// </summary>
public sealed class FlowJoin : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.FlowJoin",
        Category = "Branching",
        DisplayName = "Join",
        Description = "Waits for all (WaitAll) or the first (WaitAny) of its inbound branches, then continues once.",
        Inputs = [new InputDescriptor("mode", "FlowJoinMode", "dropdown") { Options = ["WaitAll", "WaitAny"], DefaultValue = System.Text.Json.Nodes.JsonValue.Create("WaitAll") }],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => ValueTask.FromResult(ActivityResult.Done);
}
