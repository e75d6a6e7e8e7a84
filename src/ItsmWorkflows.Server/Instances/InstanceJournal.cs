using System.Text.Json;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ItsmWorkflows.Server.Instances;

/// <summary>
/// An instance's whole journal, read from its table: the stored state no longer carries it (each save appends the new
/// entries to the table instead of rewriting the history with the state).
/// </summary>
internal static class InstanceJournal
{
    private static async Task<List<JournalEntry>> ReadAsync(ItsmDbContext db, string instanceId, CancellationToken cancellationToken)
    {
        var rows = await db.Journal.AsNoTracking().Where(j => j.InstanceId == instanceId).OrderBy(j => j.Sequence).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new JournalEntry(r.Sequence, r.At, r.ActivityId, r.ActivityType, r.Event, Outcomes(r.Outcomes), r.Message, r.NodePath))];
    }

    /// <summary>
    /// The stored state and the whole journal of an instance, or null when there is none. On PostgreSQL one statement
    /// (one round trip, one snapshot: a step committed meanwhile is in both or in neither), the journal aggregated as
    /// JSON; a read of an instance costs what it cost when the journal was inside the state. On SQLite (the embedded,
    /// single-process default) two queries.
    /// </summary>
    public static async Task<(string State, List<JournalEntry> Journal)?> ReadWithStateAsync(ItsmDbContext db, string instanceId, CancellationToken cancellationToken)
    {
        if (!db.IsPostgres)
        {
            var record = await HotQueries.For(db).InstanceState(db, instanceId, cancellationToken);
            return record is null ? null : (record.State, await ReadAsync(db, instanceId, cancellationToken));
        }
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("""
                SELECT i.state, (SELECT json_agg(json_build_array(j.sequence, j.at, j.activity_id, j.activity_type, j.event, j.outcomes, j.message, j.node_path) ORDER BY j.sequence)
                                 FROM journal_entries j WHERE j.instance_id = i.id)
                FROM workflow_instances i WHERE i.id = $1
                """, connection) { Parameters = { new() { Value = instanceId } } };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) return null;
            var state = reader.GetString(0);
            var journal = new List<JournalEntry>();
            if (!reader.IsDBNull(1))
            {
                using var rows = JsonDocument.Parse(reader.GetString(1));
                foreach (var row in rows.RootElement.EnumerateArray())
                {
                    string? Text(int i) => row[i].ValueKind == JsonValueKind.Null ? null : row[i].GetString();
                    journal.Add(new JournalEntry(row[0].GetInt64(), row[1].GetDateTimeOffset(), Text(2)!, Text(3)!, Enum.Parse<JournalEvent>(Text(4)!), Outcomes(Text(5)), Text(6), Text(7)));
                }
            }
            return (state, journal);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static List<string>? Outcomes(string? json) => json is null ? null : JsonSerializer.Deserialize<List<string>>(json);
}
