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
    ItsmDbContext db, WorkflowRuntime runtime, WorkflowServices services, IOptions<MailOptions> options, IOptions<Approvals.ApprovalOptions> approvalOptions,
    OutboxSignal signal, DevMailbox devMailbox, IServiceScopeFactory scopes, IHttpClientFactory httpClients, ILogger<OutboxDeliveryJob> logger) : IDisposable
{
    public void Dispose() => _reportSlots.Dispose();

    /// <summary>Reports to workflows run beside the sending, this many at a time, each in its own scope (measured: resuming a workflow costs more than a send; 8 beat 4 in the mail benchmark).</summary>
    private const int ReportParallelism = 8;
    private readonly List<Task> _reports = [];
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _reported = [];
    private readonly SemaphoreSlim _reportSlots = new(ReportParallelism, ReportParallelism);

    private static readonly string[] Kinds = [EmailMessage.OutboxKind, Engine.Activities.Approvals.RequestApproval.OutboxKind, DispatchOutbox.Kind];

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
        EmailMessage email;
        string? bookmarkId;
        try
        {
            email = EmailMessage.FromJson(row.Payload);
            bookmarkId = JsonNode.Parse(row.Payload)?["bookmarkId"]?.GetValue<string>();
        }
        catch (System.Text.Json.JsonException ex)
        {
            await SettleAsync(row, $"The outbox row is not a readable email: {ex.Message}", cancellationToken);
            return true;
        }
        MimeMessage message;
        try
        {
            message = Compose(email, row);
        }
        catch (ParseException ex)
        {
            return await FailForGoodAsync(row, bookmarkId, $"The message could not be composed: {ex.Message}", cancellationToken);
        }
        try
        {
            await FetchLinkedAttachmentsAsync(email, message, cancellationToken);
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

    /// <summary>
    /// Downloads the attachments given as links, when the message is sent (at most 10 MB in all). A link that
    /// answers 4xx fails the message for good (an incident that names it); an unreachable one is retried.
    /// </summary>
    private async Task FetchLinkedAttachmentsAsync(EmailMessage email, MimeMessage message, CancellationToken cancellationToken)
    {
        var linked = email.Attachments.Where(a => a.Url is not null).ToList();
        if (linked.Count == 0) return;
        var multipart = message.Body as Multipart is { ContentType.MediaSubtype: "mixed" } mixed ? mixed : Wrap(message);
        var http = httpClients.CreateClient(AttachmentClient);
        long total = 0;
        foreach (var attachment in linked)
        {
            HttpResponseMessage response;
            try
            {
                response = await http.GetAsync(attachment.Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new MailDeliveryException($"Attachment {attachment.Url} could not be fetched: {ex.Message}", permanent: false, ex);
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                if (!response.IsSuccessStatusCode)
                {
                    throw new MailDeliveryException($"Attachment {attachment.Url} could not be fetched: {status} {response.ReasonPhrase}", permanent: status is >= 400 and < 500);
                }
                byte[] bytes;
                try
                {
                    bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                }
                catch (HttpRequestException ex)
                {
                    throw new MailDeliveryException($"Attachment {attachment.Url} could not be read (more than {SendEmail.MaxAttachmentBytes / (1024 * 1024)} MB, or the download broke off): {ex.Message}", permanent: false, ex);
                }
                total += bytes.Length;
                if (total > SendEmail.MaxAttachmentBytes) throw new MailDeliveryException($"Attachments exceed {SendEmail.MaxAttachmentBytes / (1024 * 1024)} MB.", permanent: true);
                var name = attachment.FileName is { Length: > 0 } given ? given
                    : Path.GetFileName(new Uri(attachment.Url!).AbsolutePath) is { Length: > 0 } fromPath ? fromPath : "attachment";
                var type = attachment.ContentType is { Length: > 0 } declared ? declared : response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream";
                multipart.Add(new MimePart(ContentType.Parse(type))
                {
                    Content = new MimeContent(new MemoryStream(bytes)),
                    ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                    ContentTransferEncoding = ContentEncoding.Base64,
                    FileName = name,
                });
            }
        }
    }

    /// <summary>A message without attachments yet: its body becomes the first part of a multipart/mixed.</summary>
    private static Multipart Wrap(MimeMessage message)
    {
        var mixed = new Multipart("mixed") { message.Body ?? new TextPart("plain") { Text = "" } };
        message.Body = mixed;
        return mixed;
    }

    public const string AttachmentClient = "mail-attachments";

    private async Task<bool> FailForGoodAsync(ClaimedRow row, string? bookmarkId, string reply, CancellationToken cancellationToken)
    {
        await ReportAsync(row.InstanceId, bookmarkId, new JsonObject { ["delivered"] = false, ["reply"] = reply }, cancellationToken);
        await SettleAsync(row, reply, cancellationToken);
        return true;
    }

    private MimeMessage Compose(EmailMessage email, ClaimedRow row)
    {
        var message = new MimeMessage();
        var from = MailboxAddress.Parse(email.From ?? Options.From);
        message.From.Add(from);
        foreach (var to in email.To) message.To.Add(MailboxAddress.Parse(to));
        foreach (var cc in email.Cc) message.Cc.Add(MailboxAddress.Parse(cc));
        foreach (var bcc in email.Bcc) message.Bcc.Add(MailboxAddress.Parse(bcc));
        message.Subject = email.Subject;
        message.Date = row.CreatedAt;
        // Stable per outbox row: a message sent again after a crash is recognizably the same message.
        message.MessageId = $"{email.Id}@{(from.Domain is { Length: > 0 } domain ? domain : "itsm.local")}";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        if (row.InstanceId is { } instance) message.Headers.Add("X-Itsm-Instance", instance);
        var body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody };
        foreach (var attachment in email.Attachments.Where(a => a.Url is null))
        {
            // Base64 and untouched: a text attachment added the default way would get its line endings rewritten.
            body.Attachments.Add(new MimePart(ContentType.Parse(attachment.ContentType))
            {
                Content = new MimeContent(new MemoryStream(Convert.FromBase64String(attachment.ContentBase64))),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = attachment.FileName,
            });
        }
        message.Body = body.ToMessageBody();
        return message;
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

    /// <summary>
    /// Records the approval and emails each approver (and delegate) their own link. The token is made here,
    /// sent only in the email and stored only as its hash. Idempotent per recipient: one already emailed is
    /// skipped when the row is delivered again, so a temporary failure of one recipient resends nothing to the others.
    /// </summary>
    private async Task<bool> DeliverApprovalRequestAsync(IMailTransport transport, ClaimedRow row, CancellationToken cancellationToken)
    {
        var request = JsonNode.Parse(row.Payload)!.AsObject();
        var approvalId = request["approvalId"]!.GetValue<string>();
        var now = services.Time.GetUtcNow();
        var approval = await db.Approvals.FirstOrDefaultAsync(a => a.Id == approvalId, cancellationToken);
        if (approval is null)
        {
            approval = new ApprovalRecord
            {
                Id = approvalId,
                InstanceId = row.InstanceId ?? "",
                DefinitionId = request["definitionId"]?.GetValue<string>() ?? "",
                DefinitionVersion = request["definitionVersion"]?.GetValue<int>() ?? 0,
                ActivityId = request["activityId"]?.GetValue<string>() ?? "",
                Title = request["title"]!.GetValue<string>(),
                Details = request["details"]?.ToJsonString(),
                Requester = request["requester"]?.GetValue<string>(),
                ContentHash = request["contentHash"]!.GetValue<string>(),
                Rule = request["rule"]?.GetValue<string>() is "AtLeast" or "Percent" ? $"{request["rule"]} {request["threshold"]}" : request["rule"]?.GetValue<string>() ?? "Any",
                CreatedAt = row.CreatedAt,
            };
            db.Approvals.Add(approval);
        }
        else
        {
            // A revision of what is approved: the row shows the new content (the revise API set the hash already).
            approval.Title = request["title"]!.GetValue<string>();
            approval.Details = request["details"]?.ToJsonString();
            approval.ContentHash = request["contentHash"]!.GetValue<string>();
        }
        approval.DueAt = request["dueAt"]?.GetValue<string>() is { } due ? DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture) : null;
        await db.SaveChangesAsync(cancellationToken);

        var details = Approvals.ApprovalService.DetailsOf(approval);
        var lifetime = approvalOptions.Value.LinkLifetime;
        var baseUrl = approvalOptions.Value.BaseUrl.TrimEnd('/');
        string? temporaryFailure = null;
        foreach (var recipient in request["recipients"]!.AsArray().OfType<JsonObject>())
        {
            var userName = recipient["userName"]!.GetValue<string>();
            var slot = await db.ApprovalTokens.FirstOrDefaultAsync(t => t.ApprovalId == approvalId && t.Approver == userName, cancellationToken);
            // Already emailed for this content: skip (a redelivery after a temporary failure of another recipient).
            if (slot?.EmailedAt is not null && slot.ContentHash == approval.ContentHash) continue;
            var token = Approvals.ApprovalTokens.New();
            if (slot is null)
            {
                slot = new ApprovalTokenRecord
                {
                    Id = services.NewId(),
                    ApprovalId = approvalId,
                    Approver = userName,
                    ApproverName = recipient["displayName"]?.GetValue<string>(),
                    Email = recipient["email"]?.GetValue<string>(),
                    OnBehalfOf = recipient["onBehalfOf"]?.GetValue<string>(),
                    TokenHash = Approvals.ApprovalTokens.Hash(token),
                    ContentHash = approval.ContentHash,
                    CreatedAt = now,
                    ExpiresAt = now + lifetime,
                };
                db.ApprovalTokens.Add(slot);
            }
            else
            {
                // Sending again: a fresh link replaces one that may never have arrived.
                slot.TokenHash = Approvals.ApprovalTokens.Hash(token);
                slot.ContentHash = approval.ContentHash;
                slot.ExpiresAt = now + lifetime;
            }
            await db.SaveChangesAsync(cancellationToken);
            if (slot.Email is null)
            {
                continue; // No address: the approver decides in the inbox.
            }
            var link = $"{baseUrl}/approvals/{token}";
            var (subject, html, text) = Approvals.ApprovalEmail.Render(approval.Title, details, approval.Requester, slot.ApproverName ?? userName,
                slot.OnBehalfOf, recipient["escalatedFrom"]?.GetValue<string>(), approval.DueAt, slot.ExpiresAt, link + "?decision=approve", link + "?decision=reject");
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(Options.From));
            message.Subject = subject;
            message.Date = now;
            message.MessageId = $"{slot.Id}@{(message.From.Mailboxes.First().Domain is { Length: > 0 } domain ? domain : "itsm.local")}";
            message.Headers.Add("Auto-Submitted", "auto-generated");
            message.Headers.Add("X-Itsm-Approval", approvalId);
            message.Body = new BodyBuilder { HtmlBody = html, TextBody = text }.ToMessageBody();
            try
            {
                message.To.Add(MailboxAddress.Parse(slot.Email));
                await transport.SendAsync(message, cancellationToken);
                slot.EmailedAt = services.Time.GetUtcNow();
                slot.EmailError = null;
            }
            catch (Exception ex) when (ex is ParseException || ex is MailDeliveryException { Permanent: true } || ex is MailDeliveryException && row.Attempts >= Options.MaxAttempts)
            {
                // This approver cannot be emailed; the approval goes on (the inbox still shows it) and the reason is kept.
                slot.EmailError = ex is MailDeliveryException m ? m.Reply : ex.Message;
                LogGaveUp(logger, slot.Id, slot.EmailError);
            }
            catch (MailDeliveryException ex)
            {
                temporaryFailure = ex.Reply;
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        db.ChangeTracker.Clear();
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
        if (!db.Database.IsNpgsql())
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
