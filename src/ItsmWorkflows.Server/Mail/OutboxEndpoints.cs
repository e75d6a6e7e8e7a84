using System.Security.Claims;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using ItsmWorkflows.Server.Instances;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Mail;

internal sealed class OutboxQuery
{
    /// <summary>pending, failed or sent; all of them when left out.</summary>
    public string? State { get; init; }

    public int? Page { get; init; }

    public int? PageSize { get; init; }
}

/// <summary>
/// One message in the outbox as an administrator sees it: who it is for and what became of it, never its body, its
/// attachments or anything an approval link is made from (approval links are made when the message is sent and are
/// in the email alone). <see cref="AwaitedByWorkflow"/>: a Send Email step waits for its delivery, so a failure is
/// that process's incident, and retrying the incident sends it again.
/// </summary>
internal sealed record OutboxEntryDto(string Id, string Kind, string State, IReadOnlyList<string> Recipients, string? Subject, DateTimeOffset CreatedAt, int Attempts,
    string? LastError, DateTimeOffset? NextAttemptAt, DateTimeOffset? SettledAt, string? InstanceId, string? TicketNumber, bool AwaitedByWorkflow);

/// <summary>
/// Mail stuck in the outbox, for administrators: what is waiting, what failed for good and why, across all tickets
/// (a message that kept failing could only be seen on its own ticket), and a failed message put back to be sent now.
/// </summary>
internal static partial class OutboxEndpoints
{
    private const int MaxPageSize = 100;

    private static readonly string[] MailKinds = [EmailMessage.OutboxKind, RequestApproval.OutboxKind];

    public static void MapOutboxEndpoints(this WebApplication app)
    {
        var outbox = app.MapGroup("/api/mail/outbox").RequireAuthorization(Policies.Admin).WithTags("Mail");
        outbox.MapGet("", ListAsync)
            .WithSummary("Mail in the outbox, newest first: state pending (not sent yet, with the last temporary failure), failed (given up) or sent; without bodies or links.");
        outbox.MapPost("/{id}/retry", RetryAsync)
            .WithSummary("Puts a failed message back to be sent now, with a fresh round of attempts; a pending one stays as it is; a sent one is 409.");
    }

    private static async Task<PageDto<OutboxEntryDto>> ListAsync([AsParameters] OutboxQuery query, ItsmDbContext db, CancellationToken cancellationToken)
    {
        var page = Math.Max(1, query.Page ?? 1);
        var size = Math.Clamp(query.PageSize ?? 50, 1, MaxPageSize);
        var rows = db.Outbox.AsNoTracking().Where(o => MailKinds.Contains(o.Kind));
        rows = query.State?.Trim().ToUpperInvariant() switch
        {
            null or "" => rows,
            "PENDING" => rows.Where(o => o.ProcessedAt == null),
            "FAILED" => rows.Where(o => o.ProcessedAt != null && o.LastError != null),
            "SENT" => rows.Where(o => o.ProcessedAt != null && o.LastError == null),
            _ => throw ProblemException.BadRequest($"Unknown state '{query.State}'; use pending, failed or sent."),
        };
        // One row more than the page says whether there is a next one, without counting a table that only grows.
        var found = await rows.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Skip((page - 1) * size).Take(size + 1).ToListAsync(cancellationToken);
        var hasMore = found.Count > size;
        if (hasMore) found.RemoveAt(found.Count - 1);
        var tickets = await TicketsOfAsync(db, found, cancellationToken);
        return new PageDto<OutboxEntryDto>([.. found.Select(o => ToDto(o, tickets))], page, size, hasMore, null);
    }

    private static async Task<OutboxEntryDto> RetryAsync(string id, ClaimsPrincipal user, ItsmDbContext db, WorkflowServices services, OutboxSignal signal,
        ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var row = await FindAsync(db, id, cancellationToken);
        if (StateOf(row) == Sent) throw ProblemException.Conflict($"Message '{id}' was sent at {Engine.Expressions.DisplayTime.Format(row.ProcessedAt!.Value, services.TimeZone)}; it is not sent again.");
        if (StateOf(row) == Failed)
        {
            if (Read(row).AwaitedByWorkflow) throw await AwaitedAsync(db, row, cancellationToken);
            var now = services.Time.GetUtcNow();
            // Only a row still failed is put back (two administrators retrying at once put it back once), with a fresh
            // round of attempts: one that gave up after the most attempts would otherwise give up at its next temporary failure.
            var changed = await db.Outbox.Where(o => o.Id == id && o.ProcessedAt != null && o.LastError != null)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.ProcessedAt, (DateTimeOffset?)null).SetProperty(o => o.AvailableAt, now).SetProperty(o => o.Attempts, 0), cancellationToken);
            if (changed == 1)
            {
                var log = logs.CreateLogger(typeof(OutboxEndpoints).FullName!);
                LogRetried(log, id, user.Identity?.Name ?? "?");
                signal.Notify();
            }
            row = await FindAsync(db, id, cancellationToken);
        }
        var tickets = await TicketsOfAsync(db, [row], cancellationToken);
        return ToDto(row, tickets);
    }

    private static async Task<OutboxMessage> FindAsync(ItsmDbContext db, string id, CancellationToken cancellationToken) =>
        await db.Outbox.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id && MailKinds.Contains(o.Kind), cancellationToken)
            ?? throw ProblemException.NotFound($"There is no mail message '{id}' in the outbox.");

    /// <summary>A workflow's Send Email whose failure stopped its process: the incident's retry sends the message again, so this one must not too.</summary>
    private static async Task<ProblemException> AwaitedAsync(ItsmDbContext db, OutboxMessage row, CancellationToken cancellationToken)
    {
        var incident = await db.Incidents.AsNoTracking().Where(i => i.InstanceId == row.InstanceId && i.ResolvedAt == null && i.Code == "Undeliverable")
            .OrderByDescending(i => i.At).Select(i => i.Id).FirstOrDefaultAsync(cancellationToken);
        var how = incident is null
            ? $"instance {row.InstanceId} has no open incident for it now (it was retried, or the process was cancelled)"
            : $"retry that incident (POST /api/instances/{row.InstanceId}/incidents/{incident}/retry, or from the instance in the designer), which sends it again";
        return ProblemException.Conflict($"Message '{row.Id}' is a workflow's Send Email that waited for its delivery, and its failure stopped the process with an incident: {how}. "
            + "Retrying it here as well would send it twice.", new Dictionary<string, object?> { ["instanceId"] = row.InstanceId, ["incidentId"] = incident });
    }

    private const string Pending = "Pending", Failed = "Failed", Sent = "Sent";

    private static string StateOf(OutboxMessage row) => row.ProcessedAt is null ? Pending : row.LastError is null ? Sent : Failed;

    private sealed record Summary(IReadOnlyList<string> Recipients, string? Subject, bool AwaitedByWorkflow);

    /// <summary>
    /// Addresses and subject from the payload, and nothing else of it: an email's payload holds its body and
    /// attachments, an approval request's the approval's details; neither is listed.
    /// </summary>
    private static Summary Read(OutboxMessage row)
    {
        JsonNode? payload;
        try
        {
            payload = JsonNode.Parse(row.Payload);
        }
        catch (System.Text.Json.JsonException)
        {
            return new Summary([], null, false);
        }
        if (payload is not JsonObject json) return new Summary([], null, false);
        static IEnumerable<string> Strings(JsonNode? node) => node is JsonArray list ? list.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>() : [];
        static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (row.Kind == RequestApproval.OutboxKind)
        {
            // The approvers asked, by address (one without an address decides in the inbox); the subject their email has.
            var emails = json["recipients"] is JsonArray recipients ? recipients.OfType<JsonObject>().Select(r => Text(r["email"])).OfType<string>().ToList() : [];
            var reminder = json["reminder"] is JsonValue n && n.TryGetValue<int>(out _);
            return new Summary(emails, Text(json["title"]) is { } title ? $"{(reminder ? "Reminder: " : "")}Approval needed: {title}" : null, false);
        }
        return new Summary([.. Strings(json["to"]).Concat(Strings(json["cc"])).Concat(Strings(json["bcc"]))], Text(json["subject"]), Text(json["bookmarkId"]) is not null);
    }

    private static OutboxEntryDto ToDto(OutboxMessage row, IReadOnlyDictionary<string, string> tickets)
    {
        var summary = Read(row);
        var state = StateOf(row);
        return new OutboxEntryDto(row.Id, row.Kind, state, summary.Recipients, summary.Subject, row.CreatedAt, row.Attempts, row.LastError,
            state == Pending ? row.AvailableAt : null, row.ProcessedAt, row.InstanceId,
            row.InstanceId is { } instance ? tickets.GetValueOrDefault(instance) : null, summary.AwaitedByWorkflow);
    }

    /// <summary>The ticket each instance runs: an instance started for a ticket carries its number as correlation id.</summary>
    private static async Task<Dictionary<string, string>> TicketsOfAsync(ItsmDbContext db, IReadOnlyList<OutboxMessage> rows, CancellationToken cancellationToken)
    {
        var instanceIds = rows.Select(r => r.InstanceId).OfType<string>().Distinct().ToList();
        if (instanceIds.Count == 0) return [];
        var correlations = await db.Instances.AsNoTracking().Where(i => instanceIds.Contains(i.Id) && i.CorrelationId != null)
            .Select(i => new { i.Id, i.CorrelationId }).ToListAsync(cancellationToken);
        var numbers = correlations.Select(c => c.CorrelationId!).Distinct().ToList();
        var known = (await db.Tickets.AsNoTracking().Where(t => numbers.Contains(t.Number)).Select(t => t.Number).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        return correlations.Where(c => known.Contains(c.CorrelationId!)).ToDictionary(c => c.Id, c => c.CorrelationId!);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox message {MessageId} put back to be sent now by {Actor}")]
    private static partial void LogRetried(ILogger logger, string messageId, string actor);
}
