using ItsmWorkflows.Server.Definitions;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Data;

/// <summary>Runs at start-up: apply migrations, seed roles (and demo people), import shipped workflows.</summary>
internal static class StartupTasks
{
    public static async Task PrepareAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<ItsmDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        await services.GetRequiredService<DemoData>().SeedAsync(cancellationToken);
        await services.GetRequiredService<ShippedWorkflows>().ImportAsync(cancellationToken);
    }
}
