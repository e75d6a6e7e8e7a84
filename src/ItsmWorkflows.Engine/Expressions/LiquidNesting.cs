namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// Measures how deeply a Liquid template nests, by reading its tags as text, before Fluid's parser sees it.
/// Fluid's parser recurses once per nested block and once per nested bracket with no depth guard, and a
/// stack overflow cannot be caught in .NET: the process dies. So a template that nests too deeply is
/// refused before it is parsed. The scan is linear and never recurses.
/// </summary>
internal static class LiquidNesting
{
    /// <summary>Tags that open a block closed by <c>end&lt;name&gt;</c>; each level costs the parser a recursion.</summary>
    private static readonly HashSet<string> Blocks = new(StringComparer.Ordinal)
    {
        "if", "unless", "for", "case", "capture", "tablerow", "ifchanged", "paginate", "form", "macro", "highlight",
    };

    /// <summary>Tags whose body Fluid reads as text up to <c>end&lt;name&gt;</c>: nothing inside them nests.</summary>
    private static readonly HashSet<string> Verbatim = new(StringComparer.Ordinal) { "raw", "comment", "doc" };

    /// <summary>The deepest block nesting and the deepest bracket nesting (<c>a[b[c]]</c>, ranges) in the template.</summary>
    public static (int Blocks, int Brackets) Measure(string template)
    {
        var depth = 0;
        var maxDepth = 0;
        var maxBrackets = 0;
        var i = 0;
        while (i < template.Length - 1)
        {
            if (template[i] != '{' || (template[i + 1] != '{' && template[i + 1] != '%'))
            {
                i++;
                continue;
            }
            var isTag = template[i + 1] == '%';
            var close = isTag ? '%' : '}';
            var start = i + 2;
            var end = EndOfMarkup(template, start, close, out var brackets);
            maxBrackets = Math.Max(maxBrackets, brackets);
            i = end;
            if (!isTag) continue;

            var name = TagName(template, start);
            if (Verbatim.Contains(name))
            {
                // One level for the block itself; its body is skipped whole, as Fluid skips it.
                maxDepth = Math.Max(maxDepth, depth + 1);
                i = EndOfVerbatim(template, i, name);
            }
            else if (name.StartsWith("end", StringComparison.Ordinal))
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (Blocks.Contains(name))
            {
                depth++;
                maxDepth = Math.Max(maxDepth, depth);
            }
        }
        return (maxDepth, maxBrackets);
    }

    /// <summary>The index after the closing <c>%}</c> or <c>}}</c>, skipping quoted strings; counts bracket depth on the way.</summary>
    private static int EndOfMarkup(string text, int i, char close, out int maxBrackets)
    {
        var brackets = 0;
        maxBrackets = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '"' or '\'')
            {
                i = text.IndexOf(c, i + 1);
                if (i < 0) return text.Length;
            }
            else if (c is '[' or '(')
            {
                brackets++;
                maxBrackets = Math.Max(maxBrackets, brackets);
            }
            else if (c is ']' or ')')
            {
                brackets = Math.Max(0, brackets - 1);
            }
            else if (c == close && i + 1 < text.Length && text[i + 1] == '}')
            {
                return i + 2;
            }
            i++;
        }
        return text.Length;
    }

    /// <summary>The tag's name: after <c>{%</c>, an optional <c>-</c> trim marker and white space.</summary>
    private static string TagName(string text, int i)
    {
        if (i < text.Length && text[i] == '-') i++;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        var start = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
        return text[start..i];
    }

    /// <summary>The index after the tag that closes a raw/comment body (<c>{%- endraw -%}</c> and the like).</summary>
    private static int EndOfVerbatim(string text, int i, string name)
    {
        var endName = "end" + name;
        while (true)
        {
            var open = text.IndexOf("{%", i, StringComparison.Ordinal);
            if (open < 0) return text.Length;
            if (TagName(text, open + 2) == endName) return EndOfMarkup(text, open + 2, '%', out _);
            i = open + 2;
        }
    }
}
