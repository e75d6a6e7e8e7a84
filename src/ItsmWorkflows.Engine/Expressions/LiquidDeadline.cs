using System.Diagnostics;
using Fluid;
using Fluid.Values;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// A template's time limit. Fluid counts steps, not time, and one step may work on a million characters: a loop of
/// 30,000 replaces over large text ran 45 s. The render notes when it must end; every filter, assignment and capture
/// looks before it runs, which is where a template spends its time.
/// </summary>
internal static class LiquidDeadline
{
    public static readonly TimeSpan MaxRenderTime = TimeSpan.FromSeconds(2);

    private const string Key = "itsm:deadline";

    public static void Start(TemplateContext context) => context.AmbientValues[Key] = Stopwatch.GetTimestamp() + (long)(MaxRenderTime.TotalSeconds * Stopwatch.Frequency);

    public static void Check(TemplateContext context)
    {
        if (context.AmbientValues.TryGetValue(Key, out var deadline) && deadline is long end && Stopwatch.GetTimestamp() > end)
        {
            throw new ExpressionEvaluationException(FormattableString.Invariant($"it ran longer than {MaxRenderTime.TotalSeconds:0} s, the most a template may take (a loop over large text?)."));
        }
    }

    /// <summary>Puts the check in front of every filter the options have, and of every assignment.</summary>
    public static void Install(TemplateOptions options)
    {
        foreach (var (name, filter) in options.Filters.ToList())
        {
            options.Filters.AddFilter(name, (input, args, context) =>
            {
                Check(context);
                return filter(input, args, context);
            });
        }
        options.Assigned = (_, value, context) =>
        {
            Check(context);
            return new ValueTask<FluidValue>(value);
        };
    }
}
