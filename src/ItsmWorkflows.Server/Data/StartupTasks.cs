using ItsmWorkflows.Server.Definitions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ItsmWorkflows.Server.Data;

/// <summary>Runs at start-up: refuse a schema newer than this build, apply migrations, seed roles (and demo people), import shipped workflows.</summary>
internal static partial class StartupTasks
{
    public static async Task PrepareAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<ItsmDbContext>();
        // The database (the migrator would create a missing one), then its history table (IF NOT EXISTS: nodes starting
        // together agree): on an empty database the migrator otherwise reads the table before it exists and logs that
        // as a failed command, an error on a start that works.
        var creator = db.GetService<Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken)) await creator.CreateAsync(cancellationToken);
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        // Before anything is written: a database a newer release migrated is not this build's to run on (or to migrate).
        await NewerSchemaCheck.ThrowIfNewerAsync(db, cancellationToken);
        // An upgrade says what it did: EF Core itself logs migrations only at Debug.
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        // Again once the migration lock was ours: a newer node may have migrated while this one waited for it.
        await NewerSchemaCheck.ThrowIfNewerAsync(db, cancellationToken);
        var log = app.Logger;
        if (pending.Count > 0)
        {
            var names = string.Join(", ", pending.Select(m => m.Contains('_', StringComparison.Ordinal) ? m[(m.IndexOf('_', StringComparison.Ordinal) + 1)..] : m));
            LogMigrated(log, pending.Count, names, pending[^1]);
        }
        else
        {
            var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).LastOrDefault() ?? "none";
            LogSchemaCurrent(log, applied);
        }
        await services.GetRequiredService<DemoData>().SeedAsync(cancellationToken);
        await services.GetRequiredService<ShippedWorkflows>().ImportAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema upgraded: {Count} migration(s) applied ({Names}); it is now at {Latest}")]
    private static partial void LogMigrated(ILogger logger, int count, string names, string latest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current, at {Latest}")]
    private static partial void LogSchemaCurrent(ILogger logger, string latest);
}
