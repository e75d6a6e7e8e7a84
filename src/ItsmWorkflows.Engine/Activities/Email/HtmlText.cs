using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace ItsmWorkflows.Engine.Activities.Email;

/// <summary>The plain-text part of an HTML email: readable line breaks, links kept as "text (url)", no markup.</summary>
public static partial class HtmlText
{
    public static bool LooksLikeHtml(string body) => TagPattern().IsMatch(body);

    public static string ToPlainText(string html)
    {
        var text = DropPattern().Replace(html, "");
        text = LinkPattern().Replace(text, m =>
        {
            var label = TagPattern().Replace(m.Groups["label"].Value, "").Trim();
            var url = WebUtility.HtmlDecode(m.Groups["url"].Value);
            return label.Length == 0 || label == url ? url : $"{label} ({url})";
        });
        text = BreakPattern().Replace(text, "\n");
        text = BlockEndPattern().Replace(text, "\n");
        // A cell's end is marked (a control character no decoded text has) so that a row keeps its cells apart:
        // "Model: Performance 16", not "Model Performance 16".
        text = CellEndPattern().Replace(text, CellMark);
        text = DeclarationPattern().Replace(text, "");
        text = TagPattern().Replace(text, "");
        text = WebUtility.HtmlDecode(text);
        var lines = text.Split('\n').Select(l => Cells(SpacePattern().Replace(l, " ")));
        var sb = new StringBuilder();
        var blank = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                if (++blank > 1 || sb.Length == 0) continue;
            }
            else
            {
                blank = 0;
            }
            sb.Append(line).Append('\n');
        }
        return sb.ToString().Trim();
    }

    private const string CellMark = "\u001f";

    /// <summary>One line's cells: two read as "label: value" (a facts table), more as "a | b | c".</summary>
    private static string Cells(string line)
    {
        if (!line.Contains(CellMark, StringComparison.Ordinal)) return line.Trim();
        var cells = line.Split(CellMark).Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        return cells.Count == 2 && !cells[0].EndsWith(':') ? $"{cells[0]}: {cells[1]}" : string.Join(cells.Count == 2 ? " " : " | ", cells);
    }

    /// <summary>The doctype and comments: not text.</summary>
    [GeneratedRegex(@"<!--.*?-->|<![^>]*>", RegexOptions.Singleline)]
    private static partial Regex DeclarationPattern();

    [GeneratedRegex(@"<\s*/?\s*[a-zA-Z][^>]*>")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"<(script|style|head)\b[^>]*>.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex DropPattern();

    [GeneratedRegex(@"<a\b[^>]*\bhref\s*=\s*[""'](?<url>[^""']*)[""'][^>]*>(?<label>.*?)</a\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"<br\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex BreakPattern();

    [GeneratedRegex(@"</(p|div|h[1-6]|li|tr|table|ul|ol|blockquote)\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockEndPattern();

    [GeneratedRegex(@"</t[dh]\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex CellEndPattern();

    [GeneratedRegex(@"[ \t\r\f\v]+")]
    private static partial Regex SpacePattern();
}
