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
    public static async Task<List<JournalEntry>> ReadAsync(ItsmDbContext db, string instanceId, CancellationToken cancellationToken)
    {
        var rows = await db.Journal.AsNoTracking().Where(j => j.InstanceId == instanceId).OrderBy(j => j.Sequence).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new JournalEntry(r.Sequence, r.At, r.ActivityId, r.ActivityType, r.Event, Outcomes(r.Outcomes), r.Message, r.NodePath))];
    }

    /// <summary>
    /// The stored state and the whole journal of an instance, or null when there is none. On PostgreSQL in one round
    /// trip (a batch of two selects): a read of an instance costs what it cost when the journal was inside the state.
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
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("SELECT state FROM workflow_instances WHERE id = $1") { Parameters = { new() { Value = instanceId } } },
                    new NpgsqlBatchCommand("SELECT sequence, at, activity_id, activity_type, event, outcomes, message, node_path FROM journal_entries WHERE instance_id = $1 ORDER BY sequence")
                    {
                        Parameters = { new() { Value = instanceId } },
                    },
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) return null;
            var state = reader.GetString(0);
            await reader.NextResultAsync(cancellationToken);
            var journal = new List<JournalEntry>();
            while (await reader.ReadAsync(cancellationToken))
            {
                journal.Add(new JournalEntry(
                    reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3), Enum.Parse<JournalEvent>(reader.GetString(4)),
                    Outcomes(reader.IsDBNull(5) ? null : reader.GetString(5)), reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
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
