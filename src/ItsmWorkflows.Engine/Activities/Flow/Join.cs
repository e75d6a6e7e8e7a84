namespace ItsmWorkflows.Engine.Activities.Flow;

/// <summary>
/// Elsa's older name for the flowchart join: same behaviour as <see cref="FlowJoin"/> (WaitAll or WaitAny),
/// kept so definitions that use it load and run.
/// </summary>
public sealed class Join : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.Join",
        Category = "Branching",
        DisplayName = "Join (classic)",
        Description = "Waits for all (WaitAll) or the first (WaitAny) of its inbound branches, then continues once. Same as Join.",
        Inputs = [new InputDescriptor("mode", "FlowJoinMode", "dropdown") { Options = ["WaitAll", "WaitAny"], DefaultValue = System.Text.Json.Nodes.JsonValue.Create("WaitAll") }],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => ValueTask.FromResult(ActivityResult.Done);
}
