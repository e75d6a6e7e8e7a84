using System.Text.Json;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using Npgsql;
using NpgsqlTypes;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// Writes a burst to PostgreSQL in one round trip and one transaction. EF Core's change tracker cost more
/// CPU per burst than the rest of the server (profiled: about 40 % of a start), for rows that are
/// never read back through it, so this path builds the statements itself:
/// <list type="bullet">
/// <item>a new instance is one batch of inserts, which PostgreSQL runs as one implicit transaction;</item>
/// <item>a saved instance is one statement: the guarded UPDATE of the instance row in a CTE, and every
/// index-table change conditioned on that UPDATE having matched. A stale revision changes nothing at all.</item>
/// </list>
/// Index rows are reconciled, not rewritten: bookmarks and timers that persist across bursts keep their
/// rows (and a timer keeps its claim), only new journal entries are sent past the ones already stored.
/// </summary>
internal static class PostgresInstanceWriter
{
    private const string InsertInstance = """
        INSERT INTO workflow_instances (id, definition_id, definition_version_id, version, status, sub_status, correlation_id, name, state, open_incidents, created_at, updated_at, finished_at, started_by, revision)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1)
        """;

    private const string InsertJournal = """
        INSERT INTO journal_entries (instance_id, sequence, at, activity_id, activity_type, event, outcomes, message)
        SELECT $1, u.* FROM unnest($2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u
        """;

    private const string InsertBookmarks = """
        INSERT INTO bookmarks (id, instance_id, activity_id, activity_type, stimulus_hash, correlation_id, due_at, created_at, payload)
        SELECT u.id, $1, u.activity_id, u.activity_type, u.stimulus_hash, $2, u.due_at, u.created_at, u.payload
        FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::text[]) AS u(id, activity_id, activity_type, stimulus_hash, due_at, created_at, payload)
        """;

    private const string InsertTimers = """
        INSERT INTO timers (id, instance_id, bookmark_id, due_at)
        SELECT u.id, $1, u.id, u.due_at FROM unnest($2::text[], $3::timestamptz[]) AS u(id, due_at)
        """;

    private const string InsertIncidents = """
        INSERT INTO incidents (id, instance_id, activity_id, activity_type, message, code, at, resolved_at)
        SELECT u.id, $1, u.activity_id, u.activity_type, u.message, u.code, u.at, u.resolved_at
        FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[]) AS u(id, activity_id, activity_type, message, code, at, resolved_at)
        """;

    // $1 id, $2 expected revision, $3..$12 instance columns, $13 new revision, then the index arrays.
    private const string Update = """
        WITH upd AS (
            UPDATE workflow_instances SET definition_version_id = $3, version = $4, status = $5, sub_status = $6, correlation_id = $7,
                name = $8, state = $9, open_incidents = $10, updated_at = $11, finished_at = $12, revision = $13
            WHERE id = $1 AND revision = $2
            RETURNING id),
        bookmarks_gone AS (
            DELETE FROM bookmarks WHERE instance_id = $1 AND EXISTS (SELECT 1 FROM upd) AND NOT (id = ANY ($14::text[]))),
        bookmarks_new AS (
            INSERT INTO bookmarks (id, instance_id, activity_id, activity_type, stimulus_hash, correlation_id, due_at, created_at, payload)
            SELECT u.id, $1, u.activity_id, u.activity_type, u.stimulus_hash, $7, u.due_at, u.created_at, u.payload
            FROM unnest($14::text[], $15::text[], $16::text[], $17::text[], $18::timestamptz[], $19::timestamptz[], $20::text[]) AS u(id, activity_id, activity_type, stimulus_hash, due_at, created_at, payload)
            WHERE EXISTS (SELECT 1 FROM upd)
            ON CONFLICT (id) DO UPDATE SET correlation_id = EXCLUDED.correlation_id WHERE bookmarks.correlation_id IS DISTINCT FROM EXCLUDED.correlation_id),
        timers_gone AS (
            DELETE FROM timers WHERE instance_id = $1 AND fired_at IS NULL AND EXISTS (SELECT 1 FROM upd) AND NOT (id = ANY ($21::text[]))),
        timers_new AS (
            INSERT INTO timers (id, instance_id, bookmark_id, due_at)
            SELECT u.id, $1, u.id, u.due_at FROM unnest($21::text[], $22::timestamptz[]) AS u(id, due_at)
            WHERE EXISTS (SELECT 1 FROM upd)
            ON CONFLICT (id) DO NOTHING),
        incidents_gone AS (
            DELETE FROM incidents WHERE instance_id = $1 AND EXISTS (SELECT 1 FROM upd) AND NOT (id = ANY ($23::text[]))),
        incidents_new AS (
            INSERT INTO incidents (id, instance_id, activity_id, activity_type, message, code, at, resolved_at)
            SELECT u.id, $1, u.activity_id, u.activity_type, u.message, u.code, u.at, u.resolved_at
            FROM unnest($23::text[], $24::text[], $25::text[], $26::text[], $27::text[], $28::timestamptz[], $29::timestamptz[]) AS u(id, activity_id, activity_type, message, code, at, resolved_at)
            WHERE EXISTS (SELECT 1 FROM upd)
            ON CONFLICT (id) DO UPDATE SET resolved_at = EXCLUDED.resolved_at),
        journal_new AS (
            INSERT INTO journal_entries (instance_id, sequence, at, activity_id, activity_type, event, outcomes, message)
            SELECT $1, u.* FROM unnest($30::bigint[], $31::timestamptz[], $32::text[], $33::text[], $34::text[], $35::text[], $36::text[]) AS u(sequence, at, activity_id, activity_type, event, outcomes, message)
            WHERE EXISTS (SELECT 1 FROM upd)
              AND u.sequence > COALESCE((SELECT max(j.sequence) FROM journal_entries j WHERE j.instance_id = $1), 0))
        SELECT count(*) FROM upd
        """;

    /// <summary>Inserts a new instance and its index rows; a duplicate id raises PostgreSQL's unique violation (23505).</summary>
    public static async Task InsertAsync(NpgsqlConnection connection, WorkflowState state, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var instance = new NpgsqlBatchCommand(InsertInstance);
        instance.Parameters.Add(Text(state.InstanceId));
        instance.Parameters.Add(Text(state.DefinitionId));
        instance.Parameters.Add(Text(state.DefinitionVersionId));
        instance.Parameters.Add(new NpgsqlParameter<int> { TypedValue = state.DefinitionVersion });
        instance.Parameters.Add(Text(state.Status.ToString()));
        instance.Parameters.Add(Text(state.SubStatus.ToString()));
        instance.Parameters.Add(Text(state.CorrelationId));
        instance.Parameters.Add(Text(state.Name));
        instance.Parameters.Add(Jsonb(WorkflowStateJson.Serialize(state)));
        instance.Parameters.Add(new NpgsqlParameter<int> { TypedValue = OpenIncidents(state) });
        instance.Parameters.Add(Time(state.CreatedAt));
        instance.Parameters.Add(Time(state.UpdatedAt));
        instance.Parameters.Add(Time(state.FinishedAt));
        instance.Parameters.Add(Text(state.Properties.GetValueOrDefault("StartedBy")?.GetValue<string>()));
        batch.BatchCommands.Add(instance);

        if (state.Journal.Count > 0)
        {
            var journal = new NpgsqlBatchCommand(InsertJournal);
            journal.Parameters.Add(Text(state.InstanceId));
            AddJournalArrays(journal.Parameters, state.Journal);
            batch.BatchCommands.Add(journal);
        }
        if (state.Bookmarks.Count > 0)
        {
            var bookmarks = new NpgsqlBatchCommand(InsertBookmarks);
            bookmarks.Parameters.Add(Text(state.InstanceId));
            bookmarks.Parameters.Add(Text(state.CorrelationId));
            AddBookmarkArrays(bookmarks.Parameters, state.Bookmarks);
            batch.BatchCommands.Add(bookmarks);
        }
        var timers = state.Bookmarks.Where(b => b.DueAt is not null).ToList();
        if (timers.Count > 0)
        {
            var timerCommand = new NpgsqlBatchCommand(InsertTimers);
            timerCommand.Parameters.Add(Text(state.InstanceId));
            AddTimerArrays(timerCommand.Parameters, timers);
            batch.BatchCommands.Add(timerCommand);
        }
        if (state.Incidents.Count > 0)
        {
            var incidents = new NpgsqlBatchCommand(InsertIncidents);
            incidents.Parameters.Add(Text(state.InstanceId));
            AddIncidentArrays(incidents.Parameters, state.Incidents);
            batch.BatchCommands.Add(incidents);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Saves a burst over the stored revision; false when the stored revision was not the expected one (nothing written).</summary>
    public static async Task<bool> UpdateAsync(NpgsqlConnection connection, WorkflowState state, long expectedRevision, IReadOnlyCollection<JournalEntry> journal, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Update, connection);
        var p = command.Parameters;
        p.Add(Text(state.InstanceId));
        p.Add(new NpgsqlParameter<long> { TypedValue = expectedRevision });
        p.Add(Text(state.DefinitionVersionId));
        p.Add(new NpgsqlParameter<int> { TypedValue = state.DefinitionVersion });
        p.Add(Text(state.Status.ToString()));
        p.Add(Text(state.SubStatus.ToString()));
        p.Add(Text(state.CorrelationId));
        p.Add(Text(state.Name));
        p.Add(Jsonb(WorkflowStateJson.Serialize(state)));
        p.Add(new NpgsqlParameter<int> { TypedValue = OpenIncidents(state) });
        p.Add(Time(state.UpdatedAt));
        p.Add(Time(state.FinishedAt));
        p.Add(new NpgsqlParameter<long> { TypedValue = expectedRevision + 1 });
        AddBookmarkArrays(command.Parameters, state.Bookmarks);
        AddTimerArrays(command.Parameters, state.Bookmarks.Where(b => b.DueAt is not null).ToList());
        AddIncidentArrays(command.Parameters, state.Incidents);
        AddJournalArrays(command.Parameters, journal);
        var matched = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return matched == 1;
    }

    private static int OpenIncidents(WorkflowState state) => state.Incidents.Count(i => i.ResolvedAt is null);

    private static void AddJournalArrays(NpgsqlParameterCollection p, IReadOnlyCollection<JournalEntry> journal)
    {
        p.Add(new NpgsqlParameter<long[]> { TypedValue = journal.Select(j => j.Sequence).ToArray() });
        p.Add(Times(journal.Select(j => (DateTimeOffset?)j.At)));
        p.Add(Texts(journal.Select(j => j.ActivityId)));
        p.Add(Texts(journal.Select(j => j.ActivityType)));
        p.Add(Texts(journal.Select(j => j.Event.ToString())));
        p.Add(Texts(journal.Select(j => j.Outcomes is null ? null : JsonSerializer.Serialize(j.Outcomes))));
        p.Add(Texts(journal.Select(j => j.Message)));
    }

    private static void AddBookmarkArrays(NpgsqlParameterCollection p, IReadOnlyCollection<Bookmark> bookmarks)
    {
        p.Add(Texts(bookmarks.Select(b => b.Id)));
        p.Add(Texts(bookmarks.Select(b => b.ActivityId)));
        p.Add(Texts(bookmarks.Select(b => b.Name)));
        p.Add(Texts(bookmarks.Select(b => b.StimulusHash)));
        p.Add(Times(bookmarks.Select(b => b.DueAt)));
        p.Add(Times(bookmarks.Select(b => (DateTimeOffset?)b.CreatedAt)));
        p.Add(Texts(bookmarks.Select(b => b.Payload?.ToJsonString())));
    }

    private static void AddTimerArrays(NpgsqlParameterCollection p, IReadOnlyCollection<Bookmark> timers)
    {
        p.Add(Texts(timers.Select(t => t.Id)));
        p.Add(Times(timers.Select(t => t.DueAt)));
    }

    private static void AddIncidentArrays(NpgsqlParameterCollection p, IReadOnlyCollection<Incident> incidents)
    {
        p.Add(Texts(incidents.Select(i => i.Id)));
        p.Add(Texts(incidents.Select(i => i.ActivityId)));
        p.Add(Texts(incidents.Select(i => i.ActivityType)));
        p.Add(Texts(incidents.Select(i => i.Message)));
        p.Add(Texts(incidents.Select(i => i.Code)));
        p.Add(Times(incidents.Select(i => (DateTimeOffset?)i.At)));
        p.Add(Times(incidents.Select(i => i.ResolvedAt)));
    }

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Jsonb(string value) => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = value };

    // PostgreSQL's timestamptz is written from UTC instants only.
    private static NpgsqlParameter Time(DateTimeOffset? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } v ? v.UtcDateTime : DBNull.Value };

    private static NpgsqlParameter Texts(IEnumerable<string?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };

    private static NpgsqlParameter Times(IEnumerable<DateTimeOffset?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = values.Select(v => v?.UtcDateTime).ToArray() };
}
