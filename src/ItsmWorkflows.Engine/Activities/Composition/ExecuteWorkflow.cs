using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution.Effects;

namespace ItsmWorkflows.Engine.Activities.Composition;

/// <summary>
/// Starts an instance of another definition (by definition id). With waitForCompletion the parent waits
/// for the child and its Result output is <c>{workflowInstanceId, status, subStatus, output}</c>.
/// </summary>
public class ExecuteWorkflow : IActivity
{
    private readonly bool _background;

    public ExecuteWorkflow() : this("Elsa.ExecuteWorkflow", "Execute Workflow", "Runs another workflow right after this step commits; optionally waits for it to finish.", false) { }

    protected ExecuteWorkflow(string typeName, string displayName, string description, bool background)
    {
        _background = background;
        Descriptor = new ActivityDescriptor
        {
            TypeName = typeName,
            Category = "Composition",
            DisplayName = displayName,
            Description = description,
            Inputs =
            [
                new InputDescriptor("workflowDefinitionId", "String", "workflow-definition-picker") { IsRequired = true, DisplayName = "Workflow" },
                new InputDescriptor("input", "IDictionary<String, Object>", "json-editor") { Description = "Inputs for the child workflow, as an object." },
                new InputDescriptor("correlationId", "String", "singleline") { DisplayName = "Correlation id" },
                new InputDescriptor("waitForCompletion", "Boolean", "checkbox") { DisplayName = "Wait for completion" },
            ],
            Outputs = [new OutputDescriptor("result", "ExecuteWorkflowResult")],
        };
    }

    public ActivityDescriptor Descriptor { get; }

    public static string Stimulus(string childInstanceId) => childInstanceId;

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var definitionId = context.GetString("workflowDefinitionId");
        if (string.IsNullOrWhiteSpace(definitionId)) return ValueTask.FromResult(ActivityResult.Fault($"{Descriptor.DisplayName} has no workflow to run."));
        var input = context.Get("input") switch
        {
            JsonObject o => (JsonObject)o.DeepClone(),
            null => null,
            var other => throw new Expressions.ExpressionEvaluationException($"Input 'input' must be an object of named inputs, not {other.ToJsonString()}."),
        };
        var childId = context.NewId();
        var wait = context.GetBool("waitForCompletion");
        if (!wait)
        {
            context.AddEffect(new StartWorkflowEffect(childId, definitionId, input, context.GetString("correlationId"), context.Instance.InstanceId, null, _background));
            context.SetOutput("result", new JsonObject { ["workflowInstanceId"] = childId });
            return ValueTask.FromResult(ActivityResult.Done);
        }
        var bookmark = context.CreateBookmark(Stimulus(childId), new JsonObject { ["childInstanceId"] = childId, ["definitionId"] = definitionId });
        context.AddEffect(new StartWorkflowEffect(childId, definitionId, input, context.GetString("correlationId"), context.Instance.InstanceId, bookmark.Id, _background));
        return ValueTask.FromResult(ActivityResult.Suspend(bookmark));
    }

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken)
    {
        context.SetOutput("result", stimulus.Payload?.DeepClone());
        return ValueTask.FromResult(ActivityResult.Done);
    }
}
