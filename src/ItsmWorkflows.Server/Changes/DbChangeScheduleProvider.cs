using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Changes;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Changes;

/// <summary>
/// The change calendar from the database: changes that are scheduled or being implemented, and blackout
/// windows. A change still being assessed or authorized holds no slot yet, so it conflicts with nothing.
/// </summary>
internal sealed class DbChangeScheduleProvider(IServiceScopeFactory scopes) : IChangeScheduleProvider
{
    public static readonly string[] HoldingStatuses = ["Scheduled", "Implement"];

    public async ValueTask<ChangeScheduleConflicts> FindConflictsAsync(ChangeWindowQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        var overlapping = await HoldingAsync(db, query.ChangeNumber, query.Start, query.End, cancellationToken);
        var changes = new List<ChangeConflict>();
        foreach (var c in overlapping)
        {
            var shared = ServiceIds(c.Details).Intersect(query.ServiceIds, StringComparer.Ordinal).ToList();
            if (shared.Count > 0) changes.Add(new ChangeConflict(c.Number, c.Title, shared, c.PlannedStart!.Value, c.PlannedEnd!.Value));
        }
        // Blackouts are few; the overlap test runs here so SQLite (which stores instants as text) needs no translation.
        var blackouts = (await db.BlackoutWindows.AsNoTracking().ToListAsync(cancellationToken))
            .Where(b => b.Start < query.End && query.Start < b.End)
            .Select(b => new BlackoutWindow(b.Name, b.Start, b.End, Catalog.Json.Strings(b.Services)))
            .Where(b => b.CoversAllServices || b.ServiceIds.Intersect(query.ServiceIds, StringComparer.Ordinal).Any())
            .ToList();
        return new ChangeScheduleConflicts(changes, blackouts);
    }

    /// <summary>A change holding a slot: its number, title, status, details (with its services) and planned window.</summary>
    public sealed record HeldChange(string Number, string Title, string Status, string Details, DateTimeOffset? PlannedStart, DateTimeOffset? PlannedEnd);

    /// <summary>The changes scheduled or being implemented whose window overlaps [start, end), but <paramref name="except"/>.</summary>
    public static Task<List<HeldChange>> HoldingAsync(ItsmDbContext db, string? except, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken) =>
        db.Tickets.AsNoTracking()
            .Where(t => t.Kind == TicketKind.Change && t.Number != except && HoldingStatuses.Contains(t.Status) && t.PlannedStart < end && start < t.PlannedEnd)
            .Select(t => new HeldChange(t.Number, t.Title, t.Status, t.Details, t.PlannedStart, t.PlannedEnd))
            .ToListAsync(cancellationToken);

    /// <summary>A change's affected service ids, from its details.</summary>
    public static IReadOnlyList<string> ServiceIds(string details) =>
        JsonNode.Parse(details)?["change"]?["affectedServices"] is JsonArray services
            ? [.. services.Select(s => s?["id"]?.GetValue<string>()).OfType<string>()]
            : [];
}
