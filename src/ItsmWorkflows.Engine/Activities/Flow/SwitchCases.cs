using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Expressions;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Activities.Flow;

/// <summary>Reads and evaluates the <c>cases</c> of Switch and FlowSwitch.</summary>
internal static class SwitchCases
{
    public static InputDescriptor CasesInput { get; } = new("cases", "SwitchCase[]", "switch-editor") { IsWrapped = false, Description = "Each case has a label and a condition." };

    public static InputDescriptor ModeInput { get; } = new("mode", "SwitchMode", "dropdown") { Options = ["MatchFirst", "MatchAny"], DefaultValue = JsonValue.Create("MatchFirst") };

    public static IReadOnlyList<SwitchCase> Compile(PlanNode node)
    {
        var cases = new List<SwitchCase>();
        var raw = node.Node.GetProperty("cases") as JsonArray ?? [];
        node.ListSlots.TryGetValue("cases", out var activities);
        for (var i = 0; i < raw.Count; i++)
        {
            if (raw[i] is not JsonObject c) continue;
            var label = ValueConverter.ToText(c["label"]) ?? $"Case {i + 1}";
            var conditionDescriptor = new InputDescriptor("condition", "Boolean", "code-editor");
            CompiledExpression? expression = null;
            if (c["condition"] is JsonObject condition)
            {
                var binding = PropertyBinding.From(condition);
                var model = binding?.Expression ?? (condition.ContainsKey("type") ? new ExpressionModel(ValueConverter.ToText(condition["type"]) ?? "Literal", condition["value"]) : null);
                if (model is not null) expression = ExpressionCompiler.Compile(model, "Boolean", node.Owner.Helpers);
            }
            cases.Add(new SwitchCase(label, new CompiledInput(conditionDescriptor, expression, null, "Boolean"), activities is not null && i < activities.Count ? activities[i] : null));
        }
        return cases;
    }

    public static List<SwitchCase> Matching(IReadOnlyList<SwitchCase> cases, ActivityContext context)
    {
        var matchAny = string.Equals(context.GetString("mode"), "MatchAny", StringComparison.OrdinalIgnoreCase);
        var matches = new List<SwitchCase>();
        foreach (var c in cases)
        {
            if (!ValueConverter.ToBool(c.Condition.Evaluate(context))) continue;
            matches.Add(c);
            if (!matchAny) break;
        }
        return matches;
    }
}
