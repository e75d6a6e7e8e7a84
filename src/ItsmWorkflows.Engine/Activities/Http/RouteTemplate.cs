using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Activities.Http;

/// <summary>Matches a request path against an HttpEndpoint route such as <c>/alerts/{source}</c> (case-insensitive, one segment per parameter).</summary>
public static class RouteTemplate
{
    public static bool TryMatch(string template, string path, out JsonObject routeData)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(path);
        routeData = [];
        var t = template.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var p = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (t.Length != p.Length) return false;
        for (var i = 0; i < t.Length; i++)
        {
            if (t[i].StartsWith('{') && t[i].EndsWith('}'))
            {
                routeData[t[i][1..^1].TrimEnd('?')] = Uri.UnescapeDataString(p[i]);
            }
            else if (!string.Equals(t[i], Uri.UnescapeDataString(p[i]), StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        return true;
    }

    public static bool HasParameters(string template) => template.Contains('{', StringComparison.Ordinal);
}
