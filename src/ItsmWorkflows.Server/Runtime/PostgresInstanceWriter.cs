using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using Npgsql;

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
internal static partial class PostgresInstanceWriter
{
    /// <summary>What a scope read of an instance's index rows (they mirror the state it loaded).</summary>
    /// <remarks><see cref="Bookmarks"/> maps each bookmark id to its activity id (a migration can rename the activity a bookmark waits in).</remarks>
    public sealed record LoadedIndex(Dictionary<string, string> Bookmarks, HashSet<string> Timers, Dictionary<string, (DateTimeOffset? ResolvedAt, string ActivityId)> Incidents, long JournalSequence, string? CorrelationId)
    {
        public static LoadedIndex Of(WorkflowState state) => new(
            state.Bookmarks.ToDictionary(b => b.Id, b => b.ActivityId, StringComparer.Ordinal),
            state.Bookmarks.Where(b => b.DueAt is not null).Select(b => b.Id).ToHashSet(StringComparer.Ordinal),
            state.Incidents.ToDictionary(i => i.Id, i => (i.ResolvedAt, i.ActivityId), StringComparer.Ordinal),
            state.JournalSequence,
            state.CorrelationId);
    }

    private const string InsertInstance = """
        INSERT INTO workflow_instances (id, definition_id, definition_version_id, version, status, sub_status, correlation_id, name, state, open_incidents, created_at, updated_at, finished_at, started_by, revision)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1)
        """;

    // The same insert behind the published-version guard, in one statement: the guard raises (saving nothing) when
    // the version is no longer the published one, else yields the one row the insert takes its values with.
    private const string InsertInstanceIfPublished = """
        INSERT INTO workflow_instances (id, definition_id, definition_version_id, version, status, sub_status, correlation_id, name, state, open_incidents, created_at, updated_at, finished_at, started_by, revision)
        SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1 FROM itsm_require_published($3)
        """;

    private const string InsertJournal = """
        INSERT INTO journal_entries (instance_id, sequence, at, activity_id, activity_type, event, outcomes, message, node_path)
        SELECT $1, u.* FROM unnest($2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS u
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

    /// <summary>Inserts a new instance and its index rows; a duplicate id raises PostgreSQL's unique violation (23505).</summary>
    public static async Task InsertAsync(NpgsqlConnection connection, WorkflowState state, string stateJson, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        // A caller that took the version from a cache has it checked by the insert itself: the batch stops there,
        // saving nothing, if it is no longer published (a statement of its own cost about 40 µs more, measured).
        var instance = new NpgsqlBatchCommand(state.VersionMustBePublished ? InsertInstanceIfPublished : InsertInstance);
        instance.Parameters.Add(Text(state.InstanceId));
        instance.Parameters.Add(Text(state.DefinitionId));
        instance.Parameters.Add(Text(state.DefinitionVersionId));
        instance.Parameters.Add(new NpgsqlParameter<int> { TypedValue = state.DefinitionVersion });
        instance.Parameters.Add(Text(state.Status.ToString()));
        instance.Parameters.Add(Text(state.SubStatus.ToString()));
        instance.Parameters.Add(Text(state.CorrelationId));
        instance.Parameters.Add(Text(state.Name));
        instance.Parameters.Add(Jsonb(stateJson));
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
        if (state.Outbound.Count > 0)
        {
            var outbox = new NpgsqlBatchCommand(InsertOutbox);
            outbox.Parameters.Add(Text(state.InstanceId));
            outbox.Parameters.Add(Time(state.UpdatedAt));
            AddOutboxArrays(outbox.Parameters, state.Outbound);
            batch.BatchCommands.Add(outbox);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string InsertOutbox = """
        INSERT INTO outbox (id, kind, payload, instance_id, created_at, available_at, attempts)
        SELECT u.id, u.kind, u.payload, $1, $2, $2, 0 FROM unnest($3::text[], $4::text[], $5::text[]) AS u(id, kind, payload)
        """;

    /// <summary>The outbox row's payload: the message, and the bookmark to resume with the delivery report.</summary>
    private static void AddOutboxArrays(NpgsqlParameterCollection p, IReadOnlyCollection<OutboundMessage> outbound)
    {
        p.Add(Texts(outbound.Select(m => m.Id)));
        p.Add(Texts(outbound.Select(m => m.Kind)));
        p.Add(Texts(outbound.Select(OutboxPayload)));
    }

    public static string OutboxPayload(OutboundMessage message)
    {
        var payload = (System.Text.Json.Nodes.JsonObject)message.Payload.DeepClone();
        payload["bookmarkId"] = message.BookmarkId;
        return payload.ToJsonString();
    }

    private static int OpenIncidents(WorkflowState state) => state.Incidents.Count(i => i.ResolvedAt is null);

    /// <summary>
    /// Saves a burst over a state this scope read at <paramref name="loaded"/>. The revision guard guarantees the
    /// stored index rows are exactly the ones read, so only the difference is sent: a resume that consumes one
    /// bookmark and appends three journal entries writes the instance row, deletes one bookmark and inserts three
    /// rows, in one statement (a statement with nothing to reconcile was measured at a third of the full one).
    /// </summary>
    public static async Task<bool> UpdateAsync(NpgsqlConnection connection, WorkflowState state, string stateJson, long expectedRevision, LoadedIndex loaded, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand { Connection = connection };
        var p = command.Parameters;
        string Add(NpgsqlParameter parameter)
        {
            p.Add(parameter);
            return "$" + p.Count;
        }
        var id = Add(Text(state.InstanceId));
        var sql = new System.Text.StringBuilder();
        sql.Append("WITH upd AS (UPDATE workflow_instances SET definition_version_id = ").Append(Add(Text(state.DefinitionVersionId)))
            .Append(", version = ").Append(Add(new NpgsqlParameter<int> { TypedValue = state.DefinitionVersion }))
            .Append(", status = ").Append(Add(Text(state.Status.ToString())))
            .Append(", sub_status = ").Append(Add(Text(state.SubStatus.ToString())));
        var correlation = Add(Text(state.CorrelationId));
        sql.Append(", correlation_id = ").Append(correlation)
            .Append(", name = ").Append(Add(Text(state.Name)))
            .Append(", state = ").Append(Add(Jsonb(stateJson)))
            .Append(", open_incidents = ").Append(Add(new NpgsqlParameter<int> { TypedValue = OpenIncidents(state) }))
            .Append(", updated_at = ").Append(Add(Time(state.UpdatedAt)))
            .Append(", finished_at = ").Append(Add(Time(state.FinishedAt)))
            .Append(", revision = ").Append(Add(new NpgsqlParameter<long> { TypedValue = expectedRevision + 1 }))
            .Append(" WHERE id = ").Append(id).Append(" AND revision = ").Append(Add(new NpgsqlParameter<long> { TypedValue = expectedRevision }))
            .Append(" RETURNING id)");
        const string Matched = " WHERE EXISTS (SELECT 1 FROM upd)";
        var part = 0;

        var current = state.Bookmarks.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        var goneBookmarks = loaded.Bookmarks.Keys.Where(b => !current.Contains(b)).ToArray();
        var newBookmarks = state.Bookmarks.Where(b => !loaded.Bookmarks.ContainsKey(b.Id)).ToList();
        var movedBookmarks = state.Bookmarks.Where(b => loaded.Bookmarks.TryGetValue(b.Id, out var activity) && !string.Equals(activity, b.ActivityId, StringComparison.Ordinal)).ToList();
        if (goneBookmarks.Length > 0)
        {
            sql.Append(", p").Append(part++).Append(" AS (DELETE FROM bookmarks WHERE id = ANY (").Append(Add(Texts(goneBookmarks))).Append(") AND instance_id = ").Append(id).Append(" AND EXISTS (SELECT 1 FROM upd))");
            // Fired or not, a consumed timer's row goes with its bookmark.
            var goneTimers = goneBookmarks.Where(loaded.Timers.Contains).ToArray();
            if (goneTimers.Length > 0) sql.Append(", p").Append(part++).Append(" AS (DELETE FROM timers WHERE id = ANY (").Append(Add(Texts(goneTimers))).Append(") AND fired_at IS NULL AND EXISTS (SELECT 1 FROM upd))");
        }
        if (newBookmarks.Count > 0)
        {
            sql.Append(", p").Append(part++).Append(" AS (INSERT INTO bookmarks (id, instance_id, activity_id, activity_type, stimulus_hash, correlation_id, due_at, created_at, payload) SELECT u.id, ")
                .Append(id).Append(", u.activity_id, u.activity_type, u.stimulus_hash, ").Append(correlation).Append(", u.due_at, u.created_at, u.payload FROM unnest(");
            var before = p.Count;
            AddBookmarkArrays(p, newBookmarks);
            sql.Append(string.Join(", ", Enumerable.Range(before + 1, p.Count - before).Select((n, i) => "$" + n + BookmarkArrayTypes[i])))
                .Append(") AS u(id, activity_id, activity_type, stimulus_hash, due_at, created_at, payload)").Append(Matched).Append(')');
            var newTimers = newBookmarks.Where(b => b.DueAt is not null).ToList();
            if (newTimers.Count > 0)
            {
                sql.Append(", p").Append(part++).Append(" AS (INSERT INTO timers (id, instance_id, bookmark_id, due_at) SELECT u.id, ").Append(id).Append(", u.id, u.due_at FROM unnest(")
                    .Append(Add(Texts(newTimers.Select(t => t.Id)))).Append("::text[], ").Append(Add(Times(newTimers.Select(t => t.DueAt)))).Append("::timestamptz[]) AS u(id, due_at)")
                    .Append(Matched).Append(" ON CONFLICT (id) DO NOTHING)");
            }
        }
        if (movedBookmarks.Count > 0)
        {
            // An instance moved to another version waits on in a renamed activity (see InstanceMigrator).
            sql.Append(", p").Append(part++).Append(" AS (UPDATE bookmarks b SET activity_id = u.activity_id FROM unnest(").Append(Add(Texts(movedBookmarks.Select(b => b.Id))))
                .Append("::text[], ").Append(Add(Texts(movedBookmarks.Select(b => b.ActivityId)))).Append("::text[]) AS u(id, activity_id) WHERE b.id = u.id AND b.instance_id = ").Append(id)
                .Append(" AND EXISTS (SELECT 1 FROM upd))");
        }
        if (!string.Equals(loaded.CorrelationId, state.CorrelationId, StringComparison.Ordinal) && newBookmarks.Count < state.Bookmarks.Count)
        {
            sql.Append(", p").Append(part++).Append(" AS (UPDATE bookmarks SET correlation_id = ").Append(correlation).Append(" WHERE instance_id = ").Append(id)
                .Append(" AND NOT (id = ANY (").Append(Add(Texts(newBookmarks.Select(b => b.Id)))).Append(")) AND EXISTS (SELECT 1 FROM upd))");
        }

        var changedIncidents = state.Incidents.Where(i => !loaded.Incidents.TryGetValue(i.Id, out var was) || was.ResolvedAt != i.ResolvedAt || was.ActivityId != i.ActivityId).ToList();
        var goneIncidents = loaded.Incidents.Keys.Where(k => state.Incidents.All(i => i.Id != k)).ToArray();
        if (goneIncidents.Length > 0)
        {
            sql.Append(", p").Append(part++).Append(" AS (DELETE FROM incidents WHERE id = ANY (").Append(Add(Texts(goneIncidents))).Append(") AND EXISTS (SELECT 1 FROM upd))");
        }
        if (changedIncidents.Count > 0)
        {
            sql.Append(", p").Append(part++).Append(" AS (INSERT INTO incidents (id, instance_id, activity_id, activity_type, message, code, at, resolved_at) SELECT u.id, ").Append(id)
                .Append(", u.activity_id, u.activity_type, u.message, u.code, u.at, u.resolved_at FROM unnest(");
            var before = p.Count;
            AddIncidentArrays(p, changedIncidents);
            sql.Append(string.Join(", ", Enumerable.Range(before + 1, p.Count - before).Select((n, i) => "$" + n + IncidentArrayTypes[i])))
                .Append(") AS u(id, activity_id, activity_type, message, code, at, resolved_at)").Append(Matched).Append(" ON CONFLICT (id) DO UPDATE SET resolved_at = EXCLUDED.resolved_at, activity_id = EXCLUDED.activity_id)");
        }

        if (state.Outbound.Count > 0)
        {
            var created = Add(Time(state.UpdatedAt));
            sql.Append(", p").Append(part++).Append(" AS (INSERT INTO outbox (id, kind, payload, instance_id, created_at, available_at, attempts) SELECT u.id, u.kind, u.payload, ")
                .Append(id).Append(", ").Append(created).Append(", ").Append(created).Append(", 0 FROM unnest(");
            var before = p.Count;
            AddOutboxArrays(p, state.Outbound);
            sql.Append(string.Join(", ", Enumerable.Range(before + 1, p.Count - before).Select(n => "$" + n + "::text[]")))
                .Append(") AS u(id, kind, payload)").Append(Matched).Append(')');
        }

        var journal = state.Journal.Where(j => j.Sequence > loaded.JournalSequence).ToList();
        if (journal.Count > 0)
        {
            sql.Append(", p").Append(part++).Append(" AS (INSERT INTO journal_entries (instance_id, sequence, at, activity_id, activity_type, event, outcomes, message, node_path) SELECT ").Append(id).Append(", u.* FROM unnest(");
            var before = p.Count;
            AddJournalArrays(p, journal);
            sql.Append(string.Join(", ", Enumerable.Range(before + 1, p.Count - before).Select((n, i) => "$" + n + JournalArrayTypes[i])))
                .Append(") AS u").Append(Matched).Append(')');
        }
        sql.Append(" SELECT count(*) FROM upd");
        command.CommandText = sql.ToString();
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }
}
