namespace ItsmWorkflows.Engine.Planning;

/// <summary>
/// The known activity type an unknown one was most likely meant to be: the same name under the other prefix
/// (Elsa.SendEmail for Itsm.SendEmail), else the nearest by edit distance, ignoring case, when it is close enough
/// to be a typo (a quarter of the name's length, at least two edits).
/// </summary>
public static class TypeSuggestion
{
    public static string? Closest(string type, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(known);
        var candidates = known.ToList();
        var name = type[(type.LastIndexOf('.') + 1)..];
        var samePrefixless = candidates.Where(k => string.Equals(k[(k.LastIndexOf('.') + 1)..], name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (samePrefixless.Count == 1) return samePrefixless[0];
        var limit = Math.Max(2, type.Length / 4);
        string? best = null;
        var bestDistance = int.MaxValue;
        var tied = false;
        foreach (var candidate in candidates)
        {
            var distance = Distance(type.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance, tied) = (candidate, distance, false);
            }
            else if (distance == bestDistance)
            {
                tied = true;
            }
        }
        // Two equally near: no guess.
        return bestDistance <= limit && !tied ? best : null;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
