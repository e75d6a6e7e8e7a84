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
    private static readonly FluidParser Parser = CreateParser();

    private static readonly TemplateOptions Options = CreateOptions();

    /// <summary>The longest template accepted; as long as the expression check endpoint accepts.</summary>
    public const int MaxTemplateLength = 100_000;

    /// <summary>How deeply blocks (<c>if</c>, <c>for</c> …) and brackets may nest; real templates stay in single digits.</summary>
    public const int MaxNesting = 100;

    /// <summary>The most text a template may produce, and the longest string its filters and captures may build.</summary>
    public const int MaxOutputChars = 1_000_000;

    /// <summary>The most items an array built by a template (concat) may hold.</summary>
    public const int MaxItems = 100_000;

    /// <summary>How deep the parsed tree may be (blocks plus filter and and/or chains), which bounds render recursion.</summary>
    public const int MaxTreeDepth = 256;

    public static IFluidTemplate Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (template.Length > MaxTemplateLength)
        {
            throw new ExpressionCompileException(FormattableString.Invariant($"Liquid template is {template.Length:N0} characters long; at most {MaxTemplateLength:N0} are allowed."));
        }
        // Refused before Fluid sees it: its parser recurses per level, and a stack overflow ends the process.
        var (blocks, brackets) = LiquidNesting.Measure(template);
        if (blocks > MaxNesting)
        {
            throw new ExpressionCompileException(FormattableString.Invariant($"Liquid template nests blocks {blocks:N0} deep; at most {MaxNesting:N0} are allowed. Close each if/for/case/capture with its end tag, or split the template."));
        }
        if (brackets > MaxNesting)
        {
            throw new ExpressionCompileException(FormattableString.Invariant($"Liquid template nests brackets {brackets:N0} deep; at most {MaxNesting:N0} are allowed."));
        }
        // Whatever recursion the scan does not foresee runs out of a stack no accepted template can exhaust.
        var (parsed, error, depth) = LargeStack.Run(() =>
        {
            var ok = Parser.TryParse(template, out var result, out var message);
            return ok ? (result, (string?)null, LiquidDepthVisitor.Measure(result)) : (null, message, 0);
        });
        if (parsed is null)
        {
            // Fluid names the position in its message: "... at (line:column)", then repeats the whole source: drop that.
            var firstLine = (error ?? "").Split('\n', 2)[0].TrimEnd();
            var at = System.Text.RegularExpressions.Regex.Match(firstLine, @" at \((\d+):(\d+)\)");
            throw new ExpressionCompileException($"Liquid template does not parse: {firstLine}")
            {
                Line = at.Success ? int.Parse(at.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null,
                Column = at.Success ? int.Parse(at.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : null,
            };
        }
        if (depth > MaxTreeDepth)
        {
            throw new ExpressionCompileException(FormattableString.Invariant($"Liquid template is nested {depth:N0} levels deep (blocks, filters and and/or conditions each add one); at most {MaxTreeDepth:N0} are allowed. Split long filter or condition chains with assign."));
        }
        return parsed;
    }

    public static string Render(IFluidTemplate template, IExpressionScope scope) => Render(template, scope, null, null);

    /// <summary>Renders with extra top-level values (a notification's Model) and, for HTML, an encoder that escapes every output.</summary>
    public static string Render(IFluidTemplate template, IExpressionScope scope, IReadOnlyDictionary<string, object?>? extra, System.Text.Encodings.Web.TextEncoder? encoder)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(scope);
        var context = new TemplateContext(Options) { TimeZone = scope.TimeZone };
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
        return RenderCore(template, context, encoder);
    }

    /// <summary>Renders outside a workflow step (a host's notification): the template sees only <paramref name="values"/>.</summary>
    public static string Render(IFluidTemplate template, IReadOnlyDictionary<string, object?> values, System.Text.Encodings.Web.TextEncoder? encoder)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        var context = new TemplateContext(Options);
        foreach (var (name, value) in values) context.SetValue(name, value);
        return RenderCore(template, context, encoder);
    }

    private static string RenderCore(IFluidTemplate template, TemplateContext context, System.Text.Encodings.Web.TextEncoder? encoder)
    {
        try
        {
            // Fluid has no output limit of its own: the writer is where one can be held.
            var writer = new LimitedTextWriter(MaxOutputChars);
            LiquidDeadline.Start(context);
            var rendering = template.RenderAsync(writer, context, encoder ?? NullEncoder.Default);
            if (!rendering.IsCompletedSuccessfully) rendering.AsTask().GetAwaiter().GetResult();
            return writer.ToString();
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
        LiquidFilterGuards.Install(options.Filters, MaxOutputChars, MaxItems);
        // {{ Model.approver | people }}: names stay, an address (someone outside the directory) reads "an external approver".
        options.Filters.AddFilter("people", (input, _, _) => new ValueTask<Fluid.Values.FluidValue>(new Fluid.Values.StringValue(ExternalPeople.Hide(input.ToStringValue()))));
        // {{ Model.comment | full_stop }}: "." after words that do not end a sentence already, else nothing.
        options.Filters.AddFilter("full_stop", (input, _, _) => new ValueTask<Fluid.Values.FluidValue>(new Fluid.Values.StringValue(SentenceEnd.FullStopAfter(input.ToStringValue()))));
        // {{ Model.dueAt | when }}: a time in the organisation's zone, named ("2026-12-05 11:00 Europe/Berlin"); anything else as it is.
        options.Filters.AddFilter("when", (input, _, context) =>
        {
            var text = input.ToStringValue();
            var at = input.ToObjectValue() is DateTimeOffset date ? date : DisplayTime.Parse(text);
            return new ValueTask<Fluid.Values.FluidValue>(new Fluid.Values.StringValue(at is { } t ? DisplayTime.Format(t, context.TimeZone ?? TimeZoneInfo.Utc) : text));
        });
        LiquidDeadline.Install(options);
        return options;
    }

    private static FluidParser CreateParser()
    {
        var parser = new FluidParser();
        LiquidTimedOperator.InstallOn(parser);
        // Fluid's own capture collects into a buffer with no limit ({% capture s %}{{ s }}{{ s }}{% endcapture %} in a
        // loop doubles it each time); this one collects into a limited writer and otherwise does the same.
        parser.RegisterIdentifierBlock("capture", async (identifier, statements, _, encoder, context) =>
        {
            var captured = new LimitedTextWriter(MaxOutputChars);
            var completion = Fluid.Ast.Completion.Normal;
            foreach (var statement in statements)
            {
                LiquidDeadline.Check(context);
                completion = await statement.WriteToAsync(captured, encoder, context);
                if (completion != Fluid.Ast.Completion.Normal) break;
            }
            // Already encoded as it was written: not encoded again when output.
            context.SetValue(identifier, new Fluid.Values.StringValue(captured.ToString(), false));
            return completion;
        });
        LiquidTimedStatement.InstallOn(parser);
        return parser;
    }
}
