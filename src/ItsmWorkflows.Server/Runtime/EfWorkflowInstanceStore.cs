using System.Text.Json;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// The engine's instance port over the database. One save writes, in one transaction: the instance row
/// (guarded by its revision), its bookmark index, timers, new journal entries and incidents. Either all
/// of a burst is committed or none of it.
/// </summary>
internal sealed class EfWorkflowInstanceStore(ItsmDbContext db, Mail.OutboxSignal outboxSignal, InstanceStateCache cache, Tickets.TicketRecordWriter records, Live.LiveUpdates live) : IWorkflowInstanceStore
{
    // Set while a burst with record changes is saved inside an outer transaction: the inner save must not announce its outbox yet.
    private bool _deferCommitted;

    /// <summary>The SQLSTATE itsm_require_published raises (a class of our own, so it is never mistaken for PostgreSQL's).</summary>
    internal const string StaleVersionState = "IT001";

    // The index rows of each instance as this scope read or wrote them: a save on PostgreSQL sends only the difference.
    private readonly Dictionary<string, PostgresInstanceWriter.LoadedIndex> _read = new(StringComparer.Ordinal);

    public async ValueTask<(WorkflowState State, long Version)?> FindAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (cache.TryGet(instanceId, out var json, out var cachedRevision))
        {
            var cached = WorkflowStateJson.Deserialize(json);
            _read[instanceId] = PostgresInstanceWriter.LoadedIndex.Of(cached);
            return (cached, cachedRevision);
        }
        var record = await HotQueries.For(db).InstanceState(db, instanceId, cancellationToken);
        if (record is null) return null;
        var state = WorkflowStateJson.Deserialize(record.State);
        _read[instanceId] = PostgresInstanceWriter.LoadedIndex.Of(state);
        return (state, record.Revision);
    }

    public async ValueTask<long> SaveAsync(WorkflowState state, long expectedVersion, CancellationToken cancellationToken)
    {
        // The journal goes to its own table (only the new entries), so the state row does not grow with the history.
        var json = WorkflowStateJson.SerializeWithoutJournal(state);
        try
        {
            var revision = await SaveCoreAsync(state, json, expectedVersion, cancellationToken);
            cache.Set(state.InstanceId, json, revision);
            return revision;
        }
        catch (ConcurrencyException)
        {
            cache.Remove(state.InstanceId); // the copy was stale: the retry reads the database
            throw;
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            cache.Remove(state.InstanceId);
            db.ChangeTracker.Clear();
            // Nothing was committed (the transaction rolled back with the connection); the runtime runs the burst again.
            throw new TransientStoreException($"The database was briefly unavailable while saving instance {state.InstanceId}: {ex.GetBaseException().Message}", ex);
        }
    }

    /// <summary>Connection resets, a restarting server, too many connections, serialization failures and deadlocks pass; a constraint violation does not.</summary>
    internal static bool IsTransient(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case Npgsql.PostgresException pg when pg.SqlState is "40001" or "40P01" or "57P01" or "57P02" or "57P03" or "53300" || pg.SqlState.StartsWith("08", StringComparison.Ordinal):
                    return true;
                case Npgsql.PostgresException:
                    return false;
                case Npgsql.NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case Microsoft.Data.Sqlite.SqliteException sqlite when sqlite.SqliteErrorCode is 5 or 6: // SQLITE_BUSY, SQLITE_LOCKED
                    return true;
            }
        }
        return false;
    }

    private async ValueTask<long> SaveCoreAsync(WorkflowState state, string json, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.RecordChanges.Count > 0) return await SaveWithRecordsAsync(state, json, expectedVersion, cancellationToken);
        if (db.IsPostgres) return await SavePostgresAsync(state, json, expectedVersion, cancellationToken);
        db.ChangeTracker.Clear();
        if (expectedVersion == 0) return await InsertAsync(state, json, cancellationToken);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(() => UpdateSqliteAsync(state, json, expectedVersion, cancellationToken).AsTask());
    }

    private async ValueTask<long> UpdateSqliteAsync(WorkflowState state, string json, long expectedVersion, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        // Inside the outer transaction of a burst with record changes, that one commits.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var revision = expectedVersion + 1;
        var record = ToRecord(state, json, revision);
        db.Instances.Attach(record);
        var entry = db.Entry(record);
        entry.State = EntityState.Modified;
        entry.Property(r => r.Revision).OriginalValue = expectedVersion;
        entry.Property(r => r.CreatedAt).IsModified = false;
        entry.Property(r => r.StartedBy).IsModified = false;
        var instanceId = state.InstanceId;
        var persistedSequence = await db.Journal.Where(j => j.InstanceId == instanceId).MaxAsync(j => (long?)j.Sequence, cancellationToken) ?? 0;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new ConcurrencyException($"Instance {state.InstanceId} was changed by another request while this one ran; nothing of this step was saved.", ex);
        }

        // The index tables mirror the state: replace the bookmarks, timers and incidents, append the journal.
        await db.Bookmarks.Where(b => b.InstanceId == instanceId).ExecuteDeleteAsync(cancellationToken);
        await db.Timers.Where(t => t.InstanceId == instanceId && t.FiredAt == null).ExecuteDeleteAsync(cancellationToken);
        await db.Incidents.Where(i => i.InstanceId == instanceId).ExecuteDeleteAsync(cancellationToken);
        AddIndexRows(state, persistedSequence);
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null) await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        Committed(state);
        return revision;
    }

    private async ValueTask<long> SavePostgresAsync(WorkflowState state, string json, long expectedVersion, CancellationToken cancellationToken)
    {
        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (expectedVersion == 0)
            {
                try
                {
                    await PostgresInstanceWriter.InsertAsync(connection, state, json, cancellationToken);
                    _read[state.InstanceId] = PostgresInstanceWriter.LoadedIndex.Of(state);
                    Committed(state);
                    return 1;
                }
                catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation && ex.TableName == "workflow_instances")
                {
                    throw new ConcurrencyException($"Instance {state.InstanceId} already exists.", ex);
                }
                catch (Npgsql.PostgresException ex) when (ex.SqlState == StaleVersionState)
                {
                    throw new StalePublishedVersionException($"Version {state.DefinitionVersionId} of '{state.DefinitionId}' is no longer the published one.", ex);
                }
            }
            else
            {
                if (!_read.TryGetValue(state.InstanceId, out var loaded))
                {
                    // Saved without being read in this scope: read it now. If that is not the expected revision, the guard refuses the save anyway.
                    await FindAsync(state.InstanceId, cancellationToken);
                    loaded = _read.GetValueOrDefault(state.InstanceId) ?? PostgresInstanceWriter.LoadedIndex.Of(state);
                }
                if (!await PostgresInstanceWriter.UpdateAsync(connection, state, json, expectedVersion, loaded, cancellationToken))
                {
                    throw new ConcurrencyException($"Instance {state.InstanceId} was changed by another request while this one ran; nothing of this step was saved.");
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        _read[state.InstanceId] = PostgresInstanceWriter.LoadedIndex.Of(state);
        Committed(state);
        return expectedVersion + 1;
    }

    /// <summary>A new instance: one SaveChanges, one batch, one implicit transaction (nothing to delete or compare).</summary>
    private async Task<long> InsertAsync(WorkflowState state, string json, CancellationToken cancellationToken)
    {
        // SQLite serves one node: a lookup before the insert is as good as a check inside it.
        var versionId = state.DefinitionVersionId;
        if (state.VersionMustBePublished && !await db.Definitions.AnyAsync(d => d.Id == versionId && d.State == DefinitionState.Published, cancellationToken))
        {
            throw new StalePublishedVersionException($"Version {versionId} of '{state.DefinitionId}' is no longer the published one.");
        }
        db.Instances.Add(ToRecord(state, json, 1));
        AddIndexRows(state, 0);
        // On PostgreSQL the inserts go out as one batch, which the server runs as one implicit transaction:
        // atomic without BEGIN/COMMIT round trips. SQLite runs statements one by one, so it keeps the transaction.
        var npgsql = db.IsPostgres;
        if (npgsql) db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex)
        {
            db.ChangeTracker.Clear();
            var instanceId = state.InstanceId;
            if (await db.Instances.AsNoTracking().AnyAsync(i => i.Id == instanceId, cancellationToken))
            {
                throw new ConcurrencyException($"Instance {state.InstanceId} already exists.", ex);
            }
            throw;
        }
        finally
        {
            if (npgsql) db.Database.AutoTransactionBehavior = AutoTransactionBehavior.WhenNeeded;
        }
        db.ChangeTracker.Clear();
        Committed(state);
        return 1;
    }

    private static WorkflowInstanceRecord ToRecord(WorkflowState state, string json, long revision) => new()
    {
        Id = state.InstanceId,
        DefinitionId = state.DefinitionId,
        DefinitionVersionId = state.DefinitionVersionId,
        Version = state.DefinitionVersion,
        Status = state.Status,
        SubStatus = state.SubStatus,
        CorrelationId = state.CorrelationId,
        Name = state.Name,
        State = json,
        OpenIncidents = state.Incidents.Count(i => i.ResolvedAt is null),
        CreatedAt = state.CreatedAt,
        UpdatedAt = state.UpdatedAt,
        FinishedAt = state.FinishedAt,
        StartedBy = state.Properties.GetValueOrDefault("StartedBy")?.GetValue<string>(),
        Revision = revision,
    };

    /// <summary>
    /// A burst that changes tickets (a status, a task) saves the instance and applies the changes in one explicit
    /// transaction. It costs a BEGIN and a COMMIT more than the one-statement path, so only these bursts take it.
    /// </summary>
    private async ValueTask<long> SaveWithRecordsAsync(WorkflowState state, string json, long expectedVersion, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        var queuedMail = false;
        var revision = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            _deferCommitted = true;
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                long saved;
                if (db.IsPostgres) saved = await SavePostgresAsync(state, json, expectedVersion, cancellationToken);
                else if (expectedVersion == 0) saved = await InsertAsync(state, json, cancellationToken);
                else saved = await UpdateSqliteAsync(state, json, expectedVersion, cancellationToken);
                db.ChangeTracker.Clear();
                queuedMail = await records.ApplyAsync(state.RecordChanges, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return saved;
            }
            finally
            {
                _deferCommitted = false;
                db.ChangeTracker.Clear();
            }
        });
        state.RecordChanges.Clear();
        Committed(state, queuedMail);
        return revision;
    }

    /// <summary>After a commit: watching browsers re-read the instance; the outbound work (the burst's, or email the ticket changes queued) is in the outbox, wake its delivery.</summary>
    private void Committed(WorkflowState state, bool queuedMail = false)
    {
        if (_deferCommitted) return;
        live.Instance(state.InstanceId);
        if (state.Outbound.Count == 0 && !queuedMail) return;
        state.Outbound.Clear();
        outboxSignal.Notify();
    }

    private void AddIndexRows(WorkflowState state, long persistedSequence)
    {
        foreach (var m in state.Outbound)
        {
            db.Outbox.Add(new OutboxMessage
            {
                Id = m.Id,
                Kind = m.Kind,
                Payload = PostgresInstanceWriter.OutboxPayload(m),
                InstanceId = state.InstanceId,
                CreatedAt = state.UpdatedAt,
                AvailableAt = state.UpdatedAt,
            });
        }
        foreach (var b in state.Bookmarks)
        {
            db.Bookmarks.Add(new BookmarkRecord
            {
                Id = b.Id,
                InstanceId = state.InstanceId,
                ActivityId = b.ActivityId,
                ActivityType = b.Name,
                StimulusHash = b.StimulusHash,
                CorrelationId = state.CorrelationId,
                DueAt = b.DueAt,
                CreatedAt = b.CreatedAt,
                Payload = b.Payload?.ToJsonString(),
            });
            if (b.DueAt is { } due) db.Timers.Add(new TimerRecord { Id = b.Id, InstanceId = state.InstanceId, BookmarkId = b.Id, DueAt = due });
        }
        foreach (var i in state.Incidents)
        {
            db.Incidents.Add(new IncidentRecord { Id = i.Id, InstanceId = state.InstanceId, ActivityId = i.ActivityId, ActivityType = i.ActivityType, Message = i.Message, Code = i.Code, At = i.At, ResolvedAt = i.ResolvedAt });
        }
        foreach (var j in state.Journal.Where(j => j.Sequence > persistedSequence))
        {
            db.Journal.Add(new JournalEntryRecord
            {
                InstanceId = state.InstanceId,
                Sequence = j.Sequence,
                At = j.At,
                ActivityId = j.ActivityId,
                ActivityType = j.ActivityType,
                Event = j.Event,
                Outcomes = j.Outcomes is null ? null : JsonSerializer.Serialize(j.Outcomes),
                Message = j.Message,
                NodePath = j.NodePath,
            });
        }
    }

    public async ValueTask<IReadOnlyList<BookmarkLocation>> FindBookmarksAsync(string stimulusHash, string? correlationId, CancellationToken cancellationToken)
    {
        var queries = HotQueries.For(db);
        var rows = correlationId is null ? queries.BookmarksByStimulus(db, stimulusHash) : queries.BookmarksByStimulusAndCorrelation(db, stimulusHash, correlationId);
        var found = new List<BookmarkLocation>();
        await foreach (var row in rows.WithCancellation(cancellationToken)) found.Add(row);
        return found;
    }

    public async ValueTask<IReadOnlyList<BookmarkLocation>> FindDueTimersAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Bookmarks.AsNoTracking()
            .Where(b => b.DueAt != null && b.DueAt <= now)
            .OrderBy(b => b.DueAt)
            .Select(b => new BookmarkLocation(b.InstanceId, b.Id, b.DueAt))
            .ToListAsync(cancellationToken);
}
