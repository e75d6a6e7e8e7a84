using ItsmWorkflows.Server.Definitions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ItsmWorkflows.Server.Data;

/// <summary>Runs at start-up: apply migrations, seed roles (and demo people), import shipped workflows.</summary>
internal static class StartupTasks
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
        await db.Database.MigrateAsync(cancellationToken);
        await services.GetRequiredService<DemoData>().SeedAsync(cancellationToken);
        await services.GetRequiredService<ShippedWorkflows>().ImportAsync(cancellationToken);
    }
}
