using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Identity;

/// <summary>
/// How people are named to other people: by their display name ("Alice Requester"), not their user name
/// ("alice"), which stays what the API and the audit trail record. Someone not in the directory keeps the
/// name they were recorded under.
/// </summary>
internal static class DisplayNames
{
    /// <summary>The display names of these user names, in one query; unknown ones are left out.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> OfAsync(ItsmDbContext db, IEnumerable<string?> userNames, CancellationToken cancellationToken)
    {
        var wanted = userNames.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (wanted.Count == 0) return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var found = await db.Users.AsNoTracking().Where(u => wanted.Contains(u.UserName!)).Select(u => new { u.UserName, u.DisplayName }).ToListAsync(cancellationToken);
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var u in found) if (!string.IsNullOrWhiteSpace(u.DisplayName)) names[u.UserName!] = u.DisplayName;
        return names;
    }

    /// <summary>The display name of one user name, or the user name itself when there is none.</summary>
    public static async Task<string?> OfAsync(ItsmDbContext db, string? userName, CancellationToken cancellationToken) =>
        userName is null ? null : (await OfAsync(db, [userName], cancellationToken)).GetValueOrDefault(userName) ?? userName;

    /// <summary>The name to show for a user name from a lookup made with <see cref="OfAsync(ItsmDbContext, IEnumerable{string?}, CancellationToken)"/>.</summary>
    public static string? Shown(this IReadOnlyDictionary<string, string> names, string? userName) =>
        userName is null ? null : names.GetValueOrDefault(userName) ?? userName;
}
