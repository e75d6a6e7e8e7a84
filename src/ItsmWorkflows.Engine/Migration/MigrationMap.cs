using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Migration;

/// <summary>The renames a move is given (old path → new path): checked, and applied to paths.</summary>
internal static class MigrationMap
{
    internal static void Check(IReadOnlyDictionary<string, string> map, DefinitionPlan from, DefinitionPlan to, int fromVersion, int toVersion, List<MigrationIssue> blocking)
    {
        foreach (var (oldPath, newPath) in map)
        {
            if (from.FindNode(oldPath) is null) blocking.Add(new MigrationIssue(oldPath, $"The mapping names '{oldPath}', which version {fromVersion} does not have."));
            if (to.FindNode(newPath) is null) blocking.Add(new MigrationIssue(oldPath, $"The mapping sends '{oldPath}' to '{newPath}', which version {toVersion} does not have."));
            else if (from.FindNode(newPath) is not null && !map.ContainsKey(newPath))
            {
                blocking.Add(new MigrationIssue(oldPath, $"The mapping sends '{oldPath}' to '{newPath}', which version {fromVersion} has too: two activities would become one."));
            }
        }
        // Through the map (prefixes included), no two activities of the old version may land on one path.
        foreach (var twice in from.Nodes.Keys.GroupBy(p => MapPath(p, map), StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            blocking.Add(new MigrationIssue(null, $"The mapping sends {string.Join(" and ", twice.Select(p => $"'{p}'"))} to the same activity '{twice.Key}'."));
        }
    }

    /// <summary>A path through the map: mapped itself, or inside a mapped definition activity (the longest mapped prefix).</summary>
    internal static string MapPath(string path, IReadOnlyDictionary<string, string> map)
    {
        if (map.TryGetValue(path, out var mapped)) return mapped;
        for (var cut = path.LastIndexOf('/'); cut > 0; cut = path.LastIndexOf('/', cut - 1))
        {
            if (map.TryGetValue(path[..cut], out var prefix)) return prefix + path[cut..];
        }
        return path;
    }
}
