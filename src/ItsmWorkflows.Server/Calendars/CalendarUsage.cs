using System.Text.Json;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Calendars;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Calendars;

/// <summary>
/// What still counts time on a business calendar: SLA definitions, services, SLA clocks of running
/// instances, and workflow versions that name it literally. Deleting a calendar in use would fault the
/// next "Start SLA" and silently turn running clocks into wall-clock time.
/// </summary>
internal static class CalendarUsage
{
    /// <summary>Names listed per kind; the rest are counted, so the message stays readable.</summary>
    private const int Shown = 5;

    public static async Task<IReadOnlyList<string>> FindAsync(ItsmDbContext db, string name, CancellationToken cancellationToken)
    {
        var uses = new List<string>();
        var slas = await db.SlaDefinitions.AsNoTracking().Where(s => s.Calendar == name).OrderBy(s => s.Id).Select(s => s.Id).ToListAsync(cancellationToken);
        Add(uses, "SLA definitions", slas);
        var services = await db.Services.AsNoTracking().Where(s => s.Calendar == name).OrderBy(s => s.Id).Select(s => s.Id).ToListAsync(cancellationToken);
        Add(uses, "services", services);
        Add(uses, "running SLA clocks of", await RunningClocksAsync(db, name, cancellationToken));
        Add(uses, "workflow versions", await DefinitionsAsync(db, name, cancellationToken));
        return uses;
    }

    private static void Add(List<string> uses, string kind, List<string> names)
    {
        if (names.Count == 0) return;
        var shown = string.Join(", ", names.Take(Shown));
        uses.Add(names.Count > Shown ? $"{kind} {shown} and {names.Count - Shown} more" : $"{kind} {shown}");
    }

    /// <summary>
    /// The clock's calendar lives only in the instance's JSON state, which neither provider can search the same
    /// way, so running instances are read here one at a time (a calendar is deleted rarely; this is not a hot path).
    /// </summary>
    private static async Task<List<string>> RunningClocksAsync(ItsmDbContext db, string name, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        var running = db.Instances.AsNoTracking().Where(i => i.Status == WorkflowStatus.Running).OrderBy(i => i.Id)
            .Select(i => new { i.Id, i.CorrelationId, i.State }).AsAsyncEnumerable();
        await foreach (var instance in running.WithCancellation(cancellationToken))
        {
            if (!instance.State.Contains(name, StringComparison.Ordinal)) continue; // cheap pre-check before parsing
            if (JsonNode.Parse(instance.State)?["properties"]?["sla"] is not JsonObject clocks) continue;
            foreach (var (_, json) in clocks)
            {
                if (json is null) continue;
                SlaClock clock;
                try
                {
                    clock = SlaClock.FromJson(json);
                }
                catch (JsonException)
                {
                    continue; // a clock that does not read counts on no calendar
                }
                if (!clock.IsStopped && string.Equals(clock.Calendar, name, StringComparison.Ordinal))
                {
                    found.Add(instance.CorrelationId ?? instance.Id); // a ticket's instance is correlated by its number
                    break;
                }
            }
        }
        return found;
    }

    /// <summary>Published versions and the latest draft whose "calendar" input is the literal name (an expression is not evaluated).</summary>
    private static async Task<List<string>> DefinitionsAsync(ItsmDbContext db, string name, CancellationToken cancellationToken)
    {
        var rows = await db.Definitions.AsNoTracking()
            .Where(d => d.State == DefinitionState.Published || (d.IsLatest && d.State == DefinitionState.Draft))
            .OrderBy(d => d.DefinitionId).ThenBy(d => d.Version).Select(d => new { d.DefinitionId, d.Version, d.Json }).ToListAsync(cancellationToken);
        return [.. rows.Where(r => r.Json.Contains(name, StringComparison.Ordinal) && NamesCalendar(JsonNode.Parse(r.Json), name)).Select(r => $"{r.DefinitionId} v{r.Version}")];
    }

    private static bool NamesCalendar(JsonNode? node, string name) => node switch
    {
        JsonObject o => o.Any(p => (string.Equals(p.Key, "calendar", StringComparison.OrdinalIgnoreCase) && IsLiteral(p.Value, name)) || NamesCalendar(p.Value, name)),
        JsonArray a => a.Any(n => NamesCalendar(n, name)),
        _ => false,
    };

    private static bool IsLiteral(JsonNode? input, string name) =>
        input?["expression"] is JsonObject e && e["type"]?.ToString() == "Literal" && e["value"]?.ToString() == name;
}
