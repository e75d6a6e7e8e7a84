using System.Globalization;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Activities.Flow;

/// <summary>Runs its body once per item, one after another, with CurrentValue and CurrentIndex set.</summary>
public sealed class ForEach : ICompositeActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.ForEach",
        Category = "Looping",
        DisplayName = "For Each",
        Description = "Runs the body once for every item, in order; the body reads the item with getCurrentValue().",
        Inputs = [new InputDescriptor("items", "Object[]", "json-editor") { IsRequired = true, DefaultSyntax = "JavaScript" }],
        Outputs = [new OutputDescriptor("currentValue", "Object")],
        Kind = ActivityKind.Container,
        ChildSlots = ["body"],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var items = context.GetArray("items");
        var state = context.GetState<CounterState>();
        state.Items = (JsonArray)items.DeepClone();
        state.Index = 0;
        return ValueTask.FromResult(Next(context, state));
    }

    public ValueTask<ActivityResult> OnChildCompletedAsync(ActivityContext context, ChildCompletion child, CancellationToken cancellationToken)
    {
        var state = context.GetState<CounterState>();
        state.Index++;
        return ValueTask.FromResult(Next(context, state));
    }

    private static ActivityResult Next(ActivityContext context, CounterState state)
    {
        var items = state.Items ?? [];
        var body = context.Slot("body");
        if (state.Index >= items.Count || body is null) return ActivityResult.Done;
        var value = items[state.Index]?.DeepClone();
        context.SetOutput("currentValue", value);
        return ActivityResult.Schedule(new ChildSchedule(body, state.Index.ToString(CultureInfo.InvariantCulture), new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["CurrentValue"] = value,
            ["CurrentIndex"] = state.Index,
        }));
    }
}
