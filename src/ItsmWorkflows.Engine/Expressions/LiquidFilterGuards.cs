using Fluid;
using Fluid.Values;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// Puts a size check in front of the filters that can multiply a value's size, so that
/// <c>{% assign s = s | append: s %}</c> in a loop stops at the limit instead of at OutOfMemory.
/// Each check computes the size the filter would produce before the filter runs.
/// </summary>
internal static class LiquidFilterGuards
{
    public static void Install(FilterCollection filters, int maxChars, int maxItems)
    {
        Guard(filters, "append", (input, args, _) => Length(input) + Length(args.At(0)), maxChars);
        Guard(filters, "prepend", (input, args, _) => Length(input) + Length(args.At(0)), maxChars);
        Guard(filters, "replace", (input, args, _) => Replaced(input.ToStringValue(), args.At(0).ToStringValue(), args.At(1).ToStringValue()), maxChars);
        Guard(filters, "replace_first", (input, args, _) => Length(input) + Length(args.At(1)), maxChars);
        Guard(filters, "join", (input, args, context) => Joined(input, args.Count > 0 ? args.At(0).ToStringValue() : " ", context, maxChars), maxChars);
        Guard(filters, "concat", (input, args, context) => input.Enumerate(context).Count() + (double)args.At(0).Enumerate(context).Count(), maxItems, "items");
    }

    private static void Guard(FilterCollection filters, string name, Func<FluidValue, FilterArguments, TemplateContext, double> size, int max, string unit = "characters")
    {
        if (!filters.TryGetValue(name, out var original)) throw new InvalidOperationException($"Fluid has no '{name}' filter to guard.");
        filters.AddFilter(name, (input, args, context) =>
        {
            if (size(input, args, context) > max)
            {
                throw new ExpressionEvaluationException(FormattableString.Invariant($"the '{name}' filter would produce more than {max:N0} {unit}, the most a template may build."));
            }
            return original(input, args, context);
        });
    }

    private static double Length(FluidValue value) => value.ToStringValue().Length;

    private static double Replaced(string input, string search, string replacement)
    {
        if (replacement.Length <= search.Length) return input.Length;
        // An empty search matches between every character.
        var matches = search.Length == 0 ? input.Length + 1 : Count(input, search);
        return input.Length + (double)matches * (replacement.Length - search.Length);
    }

    private static int Count(string text, string search)
    {
        var count = 0;
        for (var i = text.IndexOf(search, StringComparison.Ordinal); i >= 0; i = text.IndexOf(search, i + search.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private static double Joined(FluidValue input, string separator, TemplateContext context, int maxChars)
    {
        double total = 0;
        foreach (var item in input.Enumerate(context))
        {
            total += item.ToStringValue().Length + separator.Length;
            if (total > maxChars) break;
        }
        return total;
    }
}
