using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// Renders Liquid templates with Fluid. Templates see <c>Variables</c>, <c>Input</c> and
/// <c>Workflow</c> (instance id, definition id, correlation id, name) as plain dictionaries: no CLR
/// member access.
/// </summary>
public static class LiquidRuntime
{
    private static readonly FluidParser Parser = new();

    private static readonly TemplateOptions Options = CreateOptions();

    public static IFluidTemplate Parse(string template)
    {
        if (!Parser.TryParse(template, out var parsed, out var error))
        {
            // Fluid names the position in its message: "... at (line:column)".
            var at = System.Text.RegularExpressions.Regex.Match(error ?? "", @" at \((\d+):(\d+)\)");
            throw new ExpressionCompileException($"Liquid template does not parse: {error}")
            {
                Line = at.Success ? int.Parse(at.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null,
                Column = at.Success ? int.Parse(at.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : null,
            };
        }
        return parsed;
    }

    public static string Render(IFluidTemplate template, IExpressionScope scope) => Render(template, scope, null, null);

    /// <summary>Renders with extra top-level values (a notification's Model) and, for HTML, an encoder that escapes every output.</summary>
    public static string Render(IFluidTemplate template, IExpressionScope scope, IReadOnlyDictionary<string, object?>? extra, System.Text.Encodings.Web.TextEncoder? encoder)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(scope);
        var context = new TemplateContext(Options);
        var variables = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in scope.VisibleVariables) variables.TryAdd(pair.Key, ToClr(pair.Value));
        var input = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in scope.Inputs) input[pair.Key] = ToClr(pair.Value);
        var instance = scope.Instance;
        context.SetValue("Variables", variables);
        context.SetValue("Input", input);
        context.SetValue("Workflow", new Dictionary<string, object?>
        {
            ["Id"] = instance.InstanceId,
            ["InstanceId"] = instance.InstanceId,
            ["DefinitionId"] = instance.DefinitionId,
            ["CorrelationId"] = instance.CorrelationId,
            ["Name"] = instance.Name,
        });
        context.SetValue("CorrelationId", instance.CorrelationId);
        // Outputs of the activities that ran: {{ Activities.Approve1.decision.outcome }}.
        var activities = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (activityId, outputs) in instance.ActivityOutputs)
        {
            activities[activityId] = outputs.ToDictionary(o => o.Key, o => ToClr(o.Value), StringComparer.OrdinalIgnoreCase);
        }
        context.SetValue("Activities", activities);
        foreach (var (name, value) in extra ?? new Dictionary<string, object?>()) context.SetValue(name, value);
        try
        {
            return encoder is null ? template.Render(context) : template.Render(context, encoder);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ExpressionEvaluationException($"Liquid template failed: {ex.Message}", ex);
        }
    }

    /// <summary>JSON to dictionaries, lists and primitives, which Fluid reads without reflection.</summary>
    public static object? ToClr(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToClr(p.Value), StringComparer.OrdinalIgnoreCase),
        JsonArray a => a.Select(ToClr).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => v.TryGetValue<long>(out var l) ? l : v.TryGetValue<int>(out var i) ? i : ValueConverter.NumberOf(v),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => null,
    };

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions { MaxSteps = 100_000, MaxRecursion = 64 };
        options.TimeZone = TimeZoneInfo.Utc;
        return options;
    }
}
