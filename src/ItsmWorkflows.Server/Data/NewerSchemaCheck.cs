using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Data;

/// <summary>
/// An older build refuses a database a newer build has migrated: during a rolling upgrade an old node started after
/// the first new one would otherwise run with code that does not know the new columns and what they mean.
/// </summary>
internal static class NewerSchemaCheck
{
    /// <summary>Throws, naming the migrations, when the database has any this build does not know; reads only.</summary>
    public static async Task ThrowIfNewerAsync(ItsmDbContext db, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var unknown = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Where(m => !known.Contains(m)).ToList();
        if (unknown.Count == 0) return;
        var latest = known.Count == 0 ? "none" : known.Max(StringComparer.Ordinal);
        throw new StartupConfigurationException(
            $"The database schema is newer than this build: it has {(unknown.Count == 1 ? "migration" : "migrations")} {string.Join(", ", unknown)} "
            + $"that this build does not know (its latest is {latest}), applied by a newer release. Upgrade this node to the release that has "
            + $"{(unknown.Count == 1 ? "it" : "them")}; nothing was changed in the database.");
    }
}
