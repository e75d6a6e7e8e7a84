using System.Text.Json;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Expressions;

namespace ItsmWorkflows.Engine.Activities.Primitives;

/// <summary>Sets a variable to a value, converted to the variable's type.</summary>
public sealed class SetVariable : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.SetVariable",
        Category = "Primitives",
        DisplayName = "Set Variable",
        Description = "Sets a variable to a value.",
        Inputs =
        [
            new InputDescriptor("variable", "Variable", "variable-picker") { IsWrapped = false, IsRequired = true, IsVariableReference = true, Description = "The variable to set." },
            new InputDescriptor("value", "Object", "singleline") { Description = "The new value." },
        ],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var reference = context.Get("variable");
        var (name, typeName) = Resolve(reference, context);
        if (name is null) return ValueTask.FromResult(ActivityResult.Fault("Set Variable has no variable to set; pick one in the designer."));
        JsonNode? value;
        try
        {
            value = ValueConverter.Convert(context.Get("value"), typeName);
        }
        catch (FormatException ex)
        {
            return ValueTask.FromResult(ActivityResult.Fault($"Variable '{name}': {ex.Message}"));
        }
        context.SetVariable(name, value);
        return ValueTask.FromResult(ActivityResult.Done);
    }

    private static (string? Name, string? TypeName) Resolve(JsonNode? reference, ActivityContext context)
    {
        var plan = context.Node.Owner;
        switch (reference)
        {
            case JsonObject o:
                var name = ValueConverter.ToText(o["name"]);
                var id = ValueConverter.ToText(o["id"]);
                if (name is null && id is not null) name = plan.VariableNamesById.GetValueOrDefault(id) ?? id;
                var declared = plan.Variables.FirstOrDefault(v => v.Name == name);
                return (name, declared?.TypeName ?? ValueConverter.ToText(o["typeName"]));
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var text = v.GetValue<string>();
                var byName = plan.VariableNamesById.GetValueOrDefault(text) ?? text;
                return (byName, plan.Variables.FirstOrDefault(x => x.Name == byName)?.TypeName);
            default:
                return (null, null);
        }
    }
}
