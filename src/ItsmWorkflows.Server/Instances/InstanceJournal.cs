using System.Text.Json;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Instances;

/// <summary>
/// An instance's whole journal, read from its table: the stored state no longer carries it (each save appends the new
/// entries to the table instead of rewriting the history with the state).
/// </summary>
internal static class InstanceJournal
{
    public static async Task<List<JournalEntry>> ReadAsync(ItsmDbContext db, string instanceId, CancellationToken cancellationToken)
    {
        var rows = await db.Journal.AsNoTracking().Where(j => j.InstanceId == instanceId).OrderBy(j => j.Sequence).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new JournalEntry(r.Sequence, r.At, r.ActivityId, r.ActivityType, r.Event,
            r.Outcomes is null ? null : JsonSerializer.Deserialize<List<string>>(r.Outcomes), r.Message, r.NodePath))];
    }
}
