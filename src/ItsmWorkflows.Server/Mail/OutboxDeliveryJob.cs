using System.Data.Common;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ItsmWorkflows.Server.Mail;

/// <summary>
/// Drains the outbox: takes the due email rows (on PostgreSQL with FOR UPDATE SKIP LOCKED, so nodes never
/// take the same row; a taken row is leased and retaken by anyone once the lease lapses), sends them over
/// one connection, reports each delivery to the waiting Send Email activity, then marks the row done.
/// At least once: a crash after sending and before marking sends the message again, with the same
/// Message-Id. Temporary failures (4xx, connection trouble) are retried with back-off; a permanent one
/// (5xx, or too many attempts) is reported to the activity, which records it as an incident.
/// </summary>
internal sealed partial class OutboxDeliveryJob(
    ItsmDbContext db, WorkflowRuntime runtime, WorkflowServices services, IOptions<MailOptions> options, EmailComposer composer,
    Approvals.ApprovalRequestMailer approvalMailer, OutboxSignal signal, DevMailbox devMailbox, IServiceScopeFactory scopes, ILogger<OutboxDeliveryJob> logger) : IDisposable
{
    public void Dispose() => _reportSlots.Dispose();

    /// <summary>Reports to workflows run beside the sending, this many at a time, each in its own scope (measured: resuming a workflow costs more than a send; 8 beat 4 in the mail benchmark).</summary>
    private const int ReportParallelism = 8;
    private readonly List<Task> _reports = [];
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _reported = [];
    private readonly SemaphoreSlim _reportSlots = new(ReportParallelism, ReportParallelism);

    private static readonly string[] Kinds = [EmailMessage.OutboxKind, Engine.Activities.Approvals.RequestApproval.OutboxKind, DispatchOutbox.Kind, Engine.Activities.Tickets.RaiseIncident.OutboxKind];

    public const string RecurringId = "outbox-sweep";
    private const int BatchSize = 50;

    private MailOptions Options => options.Value;

    /// <summary>Delivers everything due; returns how many messages were settled (sent or given up).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        signal.Started();
        if (!await signal.DrainLock.WaitAsync(0, cancellationToken)) return 0; // A drain is running on this node; it sees the new work.
        try
        {
            var settled = 0;
            do
            {
                settled += await DrainAsync(cancellationToken);
            }
            while (signal.TakePending());
            return settled;
        }
        finally
        {
            signal.DrainLock.Release();
        }
    }

    private async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var settled = 0;
        await using IMailTransport transport = Options.UsesDevMailbox ? new DevMailboxTransport(devMailbox, services.Time)
            : Options.SmtpConfigured ? new SmtpMailTransport(Options.Smtp) : new UnconfiguredTransport();
        while (true)
        {
            var rows = await ClaimAsync(cancellationToken);
            if (rows.Count == 0) return settled;
            foreach (var row in rows)
            {
                if (await DeliverAsync(transport, row, cancellationToken)) settled++;
            }
            // A batch ends when its reports are in: the next claim must not see a row whose report is still running as due.
            await Task.WhenAll(_reports);
            _reports.Clear();
            await SettleReportedAsync(cancellationToken);
        }
    }

    /// <summary>Reports a delivery to its workflow and marks the row done, in a scope of its own, while the next message is sent.</summary>
    private async Task ReportInBackgroundAsync(ClaimedRow row, string? bookmarkId, JsonObject report, CancellationToken cancellationToken)
    {
        await _reportSlots.WaitAsync(cancellationToken);
        _reports.Add(Task.Run(async () =>
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var job = scope.ServiceProvider.GetRequiredService<OutboxDeliveryJob>();
                await job.ReportAsync(row.InstanceId, bookmarkId, report, cancellationToken);
                _reported.Add(row.Id);
            }
            catch (Exception ex) when (ex is DbUpdateException or TransientStoreException or ConcurrencyException or System.Data.Common.DbException or TimeoutException)
            {
                // Left leased: once the lease lapses the message is sent and reported again (at least once).
                LogReportFailed(logger, row.Id, ex);
            }
            finally
            {
                _reportSlots.Release();
            }
        }, cancellationToken));
    }

    private async Task<bool> DeliverAsync(IMailTransport transport, ClaimedRow row, CancellationToken cancellationToken)
    {
        if (row.Kind == Engine.Activities.Approvals.RequestApproval.OutboxKind) return await DeliverApprovalRequestAsync(transport, row, cancellationToken);
        if (row.Kind == DispatchOutbox.Kind)
        {
            // A DispatchWorkflow child, committed with its parent: start it (a second start of the same child id does nothing).
            await runtime.StartDispatchedAsync(DispatchOutbox.FromPayload(JsonNode.Parse(row.Payload)!.AsObject()), cancellationToken);
            await SettleAsync(row, null, cancellationToken);
            return true;
        }
        if (row.Kind == Engine.Activities.Tickets.RaiseIncident.OutboxKind)
        {
            // A workflow's Raise Incident: raised once per request (a redelivery finds it), then the step goes on with its number.
            var request = JsonNode.Parse(row.Payload)!.AsObject();
            JsonObject report;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                report = await scope.ServiceProvider.GetRequiredService<Incidents.IncidentRaiser>().RaiseForWorkflowAsync(request, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not a refusal (those come back as a report) but a failure on the way (the database away, a racing
                // redelivery that made it first): tried again with back-off like mail, and after the last attempt the step
                // is told it was not raised, so the drain goes on and the workflow does not wait for ever.
                if (row.Attempts < Options.MaxAttempts)
                {
                    LogRetrying(logger, row.Id, row.Attempts, ex.GetBaseException().Message);
                    await PostponeAsync(row, Options.Backoff(row.Attempts), ex.GetBaseException().Message, cancellationToken);
                    return false;
                }
                report = new JsonObject { ["raised"] = false, ["reason"] = $"the server could not raise it after {row.Attempts} attempts: {ex.GetBaseException().Message}" };
            }
            await ReportAsync(row.InstanceId, request["bookmarkId"]?.GetValue<string>(), report, cancellationToken);
            await SettleAsync(row, report["raised"]?.GetValue<bool>() == true ? null : report["reason"]?.GetValue<string>(), cancellationToken);
            return true;
        }
        EmailMessage email;
        string? bookmarkId;
        try
        {
            var payload = JsonNode.Parse(row.Payload)!;
            email = EmailMessage.FromJson(payload);
            bookmarkId = payload["bookmarkId"]?.GetValue<string>();
        }
        catch (System.Text.Json.JsonException ex)
        {
            await SettleAsync(row, $"The outbox row is not a readable email: {ex.Message}", cancellationToken);
            return true;
        }
        MimeMessage message;
        try
        {
            message = composer.Compose(email, row.CreatedAt, row.InstanceId);
        }
        catch (ParseException ex)
        {
            return await FailForGoodAsync(row, bookmarkId, $"The message could not be composed: {ex.Message}", cancellationToken);
        }
        try
        {
            await composer.AttachLinkedAsync(email, message, cancellationToken);
            var reply = await transport.SendAsync(message, cancellationToken);
            LogSent(logger, email.Id, email.To.Count + email.Cc.Count + email.Bcc.Count);
            await ReportInBackgroundAsync(row, bookmarkId, new JsonObject { ["delivered"] = true, ["reply"] = reply, ["messageId"] = "<" + message.MessageId + ">" }, cancellationToken);
            return true;
        }
        catch (MailDeliveryException ex) when (ex.Permanent || row.Attempts >= Options.MaxAttempts)
        {
            var reply = ex.Permanent ? ex.Reply : $"gave up after {row.Attempts} attempts; last reply: {ex.Reply}";
            LogGaveUp(logger, email.Id, reply);
            return await FailForGoodAsync(row, bookmarkId, reply, cancellationToken);
        }
        catch (MailDeliveryException ex)
        {
            LogRetrying(logger, email.Id, row.Attempts, ex.Reply);
            await PostponeAsync(row, Options.Backoff(row.Attempts), ex.Reply, cancellationToken);
            return false;
        }
    }

    private async Task<bool> FailForGoodAsync(ClaimedRow row, string? bookmarkId, string reply, CancellationToken cancellationToken)
    {
        await ReportAsync(row.InstanceId, bookmarkId, new JsonObject { ["delivered"] = false, ["reply"] = reply }, cancellationToken);
        await SettleAsync(row, reply, cancellationToken);
        return true;
    }

    /// <summary>Resumes the Send Email activity with the delivery report; an instance that moved on (cancelled) is left alone.</summary>
    private async Task ReportAsync(string? instanceId, string? bookmarkId, JsonObject report, CancellationToken cancellationToken)
    {
        if (instanceId is null || bookmarkId is null) return;
        try
        {
            await runtime.ResumeAsync(instanceId, bookmarkId, report, cancellationToken);
        }
        catch (Exception ex) when (ex is BookmarkNotFoundException or InstanceNotFoundException)
        {
            LogNobodyWaiting(logger, instanceId);
        }
    }

    private sealed record ClaimedRow(string Id, string Kind, string Payload, string? InstanceId, int Attempts, DateTimeOffset CreatedAt);

    private async Task<bool> DeliverApprovalRequestAsync(IMailTransport transport, ClaimedRow row, CancellationToken cancellationToken)
    {
        var temporaryFailure = await approvalMailer.SendAsync(transport, JsonNode.Parse(row.Payload)!.AsObject(), row.InstanceId, row.CreatedAt, row.Attempts, cancellationToken);
        if (temporaryFailure is not null)
        {
            LogRetrying(logger, row.Id, row.Attempts, temporaryFailure);
            await PostponeAsync(row, Options.Backoff(row.Attempts), temporaryFailure, cancellationToken);
            return false;
        }
        await SettleAsync(row, null, cancellationToken);
        return true;
    }

    private async Task<List<ClaimedRow>> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        var lease = now + Options.Lease;
        if (!db.IsPostgres)
        {
            // The embedded default is one node, and the drain lock keeps its drains apart.
            var due = await db.Outbox.Where(o => o.ProcessedAt == null && Kinds.Contains(o.Kind) && o.AvailableAt <= now)
                .OrderBy(o => o.AvailableAt).Take(BatchSize).ToListAsync(cancellationToken);
            foreach (var row in due)
            {
                row.AvailableAt = lease;
                row.Attempts++;
            }
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return [.. due.Select(r => new ClaimedRow(r.Id, r.Kind, r.Payload, r.InstanceId, r.Attempts, r.CreatedAt))];
        }
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE outbox SET available_at = @lease, attempts = attempts + 1
                WHERE id IN (
                    SELECT id FROM outbox
                    WHERE processed_at IS NULL AND kind = ANY (@kinds) AND available_at <= @now
                    ORDER BY available_at LIMIT @limit
                    FOR UPDATE SKIP LOCKED)
                RETURNING id, kind, payload, instance_id, attempts, created_at
                """;
            Add(command, "lease", lease);
            Add(command, "kinds", Kinds);
            Add(command, "now", now);
            Add(command, "limit", BatchSize);
            var rows = new List<ClaimedRow>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new ClaimedRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4), reader.GetFieldValue<DateTimeOffset>(5)));
            }
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task SettleAsync(ClaimedRow row, string? error, CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        var id = row.Id;
        await db.Outbox.Where(o => o.Id == id).ExecuteUpdateAsync(u => u.SetProperty(o => o.ProcessedAt, now).SetProperty(o => o.LastError, error), cancellationToken);
    }

    /// <summary>Marks the batch's delivered and reported rows done in one statement.</summary>
    private async Task SettleReportedAsync(CancellationToken cancellationToken)
    {
        if (_reported.IsEmpty) return;
        var ids = _reported.ToArray();
        _reported.Clear();
        var now = services.Time.GetUtcNow();
        await db.Outbox.Where(o => ids.Contains(o.Id)).ExecuteUpdateAsync(u => u.SetProperty(o => o.ProcessedAt, now).SetProperty(o => o.LastError, (string?)null), cancellationToken);
    }

    private async Task PostponeAsync(ClaimedRow row, TimeSpan delay, string error, CancellationToken cancellationToken)
    {
        var next = services.Time.GetUtcNow() + delay;
        var id = row.Id;
        await db.Outbox.Where(o => o.Id == id).ExecuteUpdateAsync(u => u.SetProperty(o => o.AvailableAt, next).SetProperty(o => o.LastError, error), cancellationToken);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Email {MessageId} accepted by the mail server for {Recipients} recipient(s)")]
    private static partial void LogSent(ILogger logger, string messageId, int recipients);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {MessageId} not delivered (attempt {Attempt}), will retry: {Reply}")]
    private static partial void LogRetrying(ILogger logger, string messageId, int attempt, string reply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {MessageId} could not be delivered: {Reply}")]
    private static partial void LogGaveUp(ILogger logger, string messageId, string reply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {RowId} was sent but its report failed; it will be sent again when its lease lapses")]
    private static partial void LogReportFailed(ILogger logger, string rowId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery report for instance {InstanceId} not needed: nothing waits for it any more")]
    private static partial void LogNobodyWaiting(ILogger logger, string instanceId);
}
