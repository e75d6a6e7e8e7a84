using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Definitions;

namespace ItsmWorkflows.Engine.Activities.Composition;

/// <summary>
/// A published definition used as an activity (Elsa's "workflow definition activity"). It runs the
/// child's root inline, in a scope of its own: the child sees only its own inputs and variables, and
/// its outputs and outcomes become the activity's.
/// </summary>
public sealed class WorkflowDefinitionActivity : ICompositeActivity
{
    public WorkflowDefinitionActivity(string typeName, WorkflowDefinition child)
    {
        ArgumentNullException.ThrowIfNull(child);
        Descriptor = new ActivityDescriptor
        {
            TypeName = typeName,
            Category = (child.Extra["options"] as JsonObject)?["activityCategory"]?.GetValue<string>() ?? "Workflows",
            DisplayName = child.Name ?? typeName,
            Description = child.Description ?? $"Runs workflow '{child.Name ?? child.DefinitionId}' as a step.",
            Inputs = [.. child.Inputs.Select(i => new InputDescriptor(i.Name, i.TypeName, "singleline") { DisplayName = i.DisplayName ?? i.Name, Description = i.Description ?? "" })],
            Outputs = [.. child.Outputs.Select(o => new OutputDescriptor(o.Name, o.TypeName) { DisplayName = o.DisplayName ?? o.Name })],
            Outcomes = child.Outcomes.Count > 0 ? [.. child.Outcomes.Append("Done").Distinct()] : ["Done"],
        };
    }

    public ActivityDescriptor Descriptor { get; }

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var child = context.Node.ChildDefinition!;
        var inputs = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
        foreach (var input in Descriptor.Inputs)
        {
            if (context.HasInput(input.Name)) inputs[input.Name] = context.Get(input.Name);
        }
        context.BeginWorkflowScope(child, inputs);
        return ValueTask.FromResult(ActivityResult.Schedule(new ChildSchedule(child.Root)));
    }

    public ValueTask<ActivityResult> OnChildCompletedAsync(ActivityContext context, ChildCompletion child, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ActivityResult.OutcomesOf(child.Outcomes));
}
