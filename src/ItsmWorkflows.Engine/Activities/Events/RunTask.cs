using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution.Effects;

namespace ItsmWorkflows.Engine.Activities.Events;

/// <summary>Asks the host to run a named task and waits for its result, reported by task id.</summary>
public sealed class RunTask : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.RunTask",
        Category = "Primitives",
        DisplayName = "Run Task",
        Description = "Requests an external task and waits until its result is reported.",
        Inputs =
        [
            new InputDescriptor("taskName", "String", "singleline") { IsRequired = true, DisplayName = "Task name" },
            new InputDescriptor("payload", "Object", "json-editor"),
        ],
        Outputs = [new OutputDescriptor("result", "Object")],
        IsBlocking = true,
    };

    public static string Stimulus(string taskId) => taskId;

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var name = context.GetString("taskName");
        if (string.IsNullOrWhiteSpace(name)) return ValueTask.FromResult(ActivityResult.Fault("Run Task has no task name."));
        var taskId = context.NewId();
        context.SetOutput("taskId", taskId);
        context.AddEffect(new RunTaskEffect(taskId, name, context.Get("payload")?.DeepClone(), context.Instance.InstanceId));
        return ValueTask.FromResult(ActivityResult.Suspend(context.CreateBookmark(Stimulus(taskId), new JsonObject { ["taskId"] = taskId, ["taskName"] = name })));
    }

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken)
    {
        context.SetOutput("result", stimulus.Payload?.DeepClone());
        return ValueTask.FromResult(ActivityResult.Done);
    }
}
