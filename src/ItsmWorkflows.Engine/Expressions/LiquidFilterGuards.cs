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
        // Filters that grow their input character by character, by what each character becomes at most.
        Func<FluidValue, FilterArguments, TemplateContext, double> escaped = (input, _, _) => Grown(input, c => c is '&' or '<' or '>' or '"' or '\'' ? 6 : 1);
        Func<FluidValue, FilterArguments, TemplateContext, double> encoded = (input, _, _) => Grown(input, c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' ? 1 : 9);
        Func<FluidValue, FilterArguments, TemplateContext, double> base64 = (input, _, _) => Math.Ceiling(System.Text.Encoding.UTF8.GetByteCount(input.ToStringValue()) / 3.0) * 4;
        foreach (var (name, size) in new[] { ("escape", escaped), ("escape_once", escaped), ("url_encode", encoded), ("newline_to_br", (input, _, _) => Grown(input, c => c == '\n' ? 7 : 1)), ("base64_encode", base64), ("base64_url_safe_encode", base64) })
        {
            if (filters.TryGetValue(name, out _)) Guard(filters, name, size, maxChars);
        }
        // json repeats whatever the value reaches as often as it is reached: measured by walking it, with a budget.
        Guard(filters, "json", (input, _, context) => JsonLength(input, context, maxChars, maxItems), maxChars);
    }

    /// <summary>About the length json gives a value (its texts, numbers and punctuation), counting shared parts each time they are reached; stops past the limits.</summary>
    private static double JsonLength(FluidValue value, TemplateContext context, int maxChars, int maxItems)
    {
        double total = 0;
        var items = 0;
        var pending = new Stack<FluidValue>();
        pending.Push(value);
        while (pending.Count > 0 && total <= maxChars)
        {
            var current = pending.Pop();
            if (++items > maxItems) return double.PositiveInfinity;
            switch (current)
            {
                case ArrayValue or DictionaryValue or ObjectValue:
                    total += 2;
                    foreach (var item in current.Enumerate(context)) pending.Push(item);
                    if (current is DictionaryValue or ObjectValue) total += current.Enumerate(context).Count() * 4.0;
                    break;
                default:
                    total += current.ToStringValue().Length + 3;
                    break;
            }
        }
        return total;
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

    private static double Grown(FluidValue value, Func<char, int> each)
    {
        double total = 0;
        foreach (var c in value.ToStringValue()) total += each(c);
        return total;
    }

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
