using System.Text.RegularExpressions;
using ItsmWorkflows.Server.Api;

namespace ItsmWorkflows.Server.Definitions;

/// <summary>What a definition id may be (it appears in URLs, file names and exports), and one made up from a name.</summary>
internal static partial class DefinitionIds
{
    public const int MaxLength = 128;

    public static void Check(string definitionId)
    {
        if (!Pattern().IsMatch(definitionId))
        {
            throw ProblemException.BadRequest($"Definition id '{Shorten(definitionId)}' is not allowed: use 1 to {MaxLength} letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
    }

    /// <summary>An id for an imported definition that has none: its name as a slug, and a random suffix so two imports of "Approval" do not collide.</summary>
    public static string FromName(string? name)
    {
        var slug = SlugPattern().Replace((name ?? "workflow").ToLowerInvariant(), "-").Trim('-');
        if (slug.Length == 0) slug = "workflow";
        if (slug.Length > 100) slug = slug[..100];
        return $"{slug}-{Guid.NewGuid().ToString("N")[..8]}";
    }

    /// <summary>An id as quoted back in a message: a 50 KB "id" is not echoed whole.</summary>
    public static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex Pattern();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex SlugPattern();
}
