using System.Globalization;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Activities.Flow;

/// <summary>Runs its body for every item at once; completes when every iteration has completed.</summary>
public sealed class ParallelForEach : ICompositeActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.ParallelForEach",
        Category = "Looping",
        DisplayName = "Parallel For Each",
        Description = "Runs the body for every item in parallel; completes when all iterations have completed.",
        Inputs = [new InputDescriptor("items", "Object[]", "json-editor") { IsRequired = true, DefaultSyntax = "JavaScript" }],
        Kind = ActivityKind.Container,
        ChildSlots = ["body"],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var items = context.GetArray("items");
        var body = context.Slot("body");
        if (items.Count == 0 || body is null) return ValueTask.FromResult(ActivityResult.Done);
        context.GetState<CounterState>().Open = items.Count;
        var children = new List<ChildSchedule>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            children.Add(new ChildSchedule(body, i.ToString(CultureInfo.InvariantCulture), new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
            {
                ["CurrentValue"] = items[i]?.DeepClone(),
                ["CurrentIndex"] = i,
            }));
        }
        return ValueTask.FromResult(ActivityResult.Schedule(children));
    }

    public ValueTask<ActivityResult> OnChildCompletedAsync(ActivityContext context, ChildCompletion child, CancellationToken cancellationToken)
    {
        var state = context.GetState<CounterState>();
        state.Open--;
        state.Completed++;
        return ValueTask.FromResult(state.Open <= 0 ? ActivityResult.Done : ActivityResult.Waiting);
    }
}
