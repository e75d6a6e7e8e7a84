using System.Security.Claims;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Calendars;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>Opens tickets and starts their processes, signals them, and reads a ticket (TicketService.Detail.cs).</summary>
internal sealed partial class TicketService(ItsmDbContext db, WorkflowRuntime runtime, IBusinessCalendarProvider calendars, WorkflowServices services, IWorkflowDefinitionProvider definitions, Runtime.PublishedVersionCache published, Mail.OutboxSignal outboxSignal, ILogger<TicketService> logger)
{
    // The engine's clock: ticket times and SLA figures agree with the process's own timers.
    private readonly TimeProvider time = services.Time;

    /// <summary>
    /// Saves the ticket (numbered here) and starts <paramref name="definitionId"/> for it, correlated by the
    /// number and given <c>{ ticket: … }</c> as input. The ticket commits first so the process's first step
    /// can update it; if the process cannot start, the ticket is removed again and the caller gets the reason.
    /// </summary>
    public async Task<TicketRecord> OpenAsync(TicketRecord draft, string definitionId, Func<TicketRecord, JsonObject> input, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        // Refused on every database alike (PostgreSQL's column would fail the insert; SQLite would store a title that
        // then heads every email about the ticket).
        if (draft.Title.Length > TicketRecord.MaxTitleLength)
        {
            throw ProblemException.BadRequest($"The title is {draft.Title.Length} characters long; a ticket's title takes at most {TicketRecord.MaxTitleLength}. Shorten it and put the rest in the description.");
        }
        ProblemException NotPublished() => ProblemException.Conflict($"The process '{definitionId}' has no published version, so nothing could run this ticket. Ask a process owner to publish it.");
        _ = await published.GetAsync(db, definitionId, cancellationToken) ?? throw NotPublished();
        var strategy = db.Database.CreateExecutionStrategy();
        var ticket = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var number = await TicketNumbers.NextAsync(db, draft.Kind, cancellationToken);
            var now = time.GetUtcNow();
            var record = new TicketRecord
            {
                Id = Guid.CreateVersion7().ToString("N"),
                Number = number,
                Kind = draft.Kind,
                Title = draft.Title,
                Description = draft.Description,
                Status = TicketStatuses.New,
                Requester = draft.Requester,
                AssignmentGroup = draft.AssignmentGroup,
                Assignee = draft.Assignee,
                ServiceId = draft.ServiceId,
                CatalogItemId = draft.CatalogItemId,
                InstanceId = Guid.CreateVersion7().ToString("N"),
                Priority = draft.Priority,
                Impact = draft.Impact,
                Urgency = draft.Urgency,
                ChangeType = draft.ChangeType,
                ChangeTemplateId = draft.ChangeTemplateId,
                Risk = draft.Risk,
                PlannedStart = draft.PlannedStart,
                PlannedEnd = draft.PlannedEnd,
                Details = draft.Details,
                AnswersText = draft.AnswersText,
                AlertKey = draft.AlertKey,
                RaisedBy = draft.RaisedBy,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Tickets.Add(record);
            db.TicketEvents.Add(new TicketEventRecord { TicketNumber = number, At = now, Actor = actor, Kind = "created", Text = $"Raised by {await Identity.DisplayNames.OfAsync(db, actor, cancellationToken)}" });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return record;
        });

        StartOptions Options(string versionId)
        {
            var options = new StartOptions
            {
                VersionId = versionId,
                VersionMustBePublished = true,
                InstanceId = ticket.InstanceId,
                CorrelationId = ticket.Number,
                Input = new Dictionary<string, JsonNode?> { ["ticket"] = input(ticket) },
            };
            options.Properties["StartedBy"] = actor;
            return options;
        }
        try
        {
            await published.StartAsync(db, runtime, definitionId, Options, () => Task.FromResult<Exception>(NotPublished()), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The first step committed and something after it failed: the process runs, so the ticket stays.
            if (await db.Instances.AnyAsync(i => i.Id == ticket.InstanceId, CancellationToken.None)) throw;
            await db.TicketEvents.Where(e => e.TicketNumber == ticket.Number).ExecuteDeleteAsync(CancellationToken.None);
            await db.Tickets.Where(t => t.Id == ticket.Id).ExecuteDeleteAsync(CancellationToken.None);
            // The engine's own refusals say what to fix; anything else (a database error, say) is logged by the
            // error handler with its details and not shown to the requester.
            var known = ex is ProblemException or Engine.Runtime.DefinitionNotFoundException or Engine.Runtime.StalePublishedVersionException or Engine.Definitions.DefinitionFormatException;
            if (!known) LogStartFailed(logger, ex, definitionId, ticket.Number);
            throw ProblemException.Conflict($"The process '{definitionId}' could not start for this ticket, so it was not raised: "
                + (known ? ex.Message : "the server could not start it; an administrator can find the error in the log."));
        }
        return await db.Tickets.AsNoTracking().FirstAsync(t => t.Id == ticket.Id, cancellationToken);
    }

    /// <summary>Whom a ticket is raised for: the caller, or (for staff only) someone they name.</summary>
    public async Task<string> OnBehalfOfAsync(ClaimsPrincipal user, string? named, CancellationToken cancellationToken)
    {
        var actor = user.Identity!.Name!;
        if (string.IsNullOrWhiteSpace(named) || string.Equals(named, actor, StringComparison.OrdinalIgnoreCase)) return actor;
        if (!IsStaff(user)) throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden", "Only service desk staff can raise a ticket on someone else's behalf; raise it for yourself, or ask the service desk.");
        var normalized = named.Trim().ToUpperInvariant();
        return await db.Users.Where(u => u.NormalizedUserName == normalized).Select(u => u.UserName).FirstOrDefaultAsync(cancellationToken)
            ?? throw ProblemException.BadRequest($"There is no person '{named}' to raise it for.");
    }

    public async Task<TicketRecord> FindAsync(string number, TicketKind? kind, CancellationToken cancellationToken)
    {
        number = number.Trim().ToUpperInvariant(); // inc0001001 is INC0001001
        var ticket = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.Number == number, cancellationToken);
        if (ticket is null || (kind is not null && ticket.Kind != kind)) throw ProblemException.NotFound($"There is no {(kind?.ToString().ToLowerInvariant() ?? "ticket")} {number}.");
        return ticket;
    }

    /// <summary>Staff (agents, process owners, admins) see every ticket; others the ones they raised or work on.</summary>
    public static bool CanSee(ClaimsPrincipal user, TicketRecord ticket) =>
        IsStaff(user) || string.Equals(ticket.Requester, user.Identity?.Name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(ticket.Assignee, user.Identity?.Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether the person may read the ticket: <see cref="CanSee"/>, or they were asked to decide one of its process's
    /// approvals (an approver or a delegate): what they approve is on the ticket (a change's plans, a request's
    /// answers), and they read it as its requester does (no work notes, others' addresses hidden). Reading only:
    /// notes and actions stay with the people on the ticket.
    /// </summary>
    public static async Task<bool> CanReadAsync(ItsmDbContext db, ClaimsPrincipal user, TicketRecord ticket, TimeProvider time, CancellationToken cancellationToken)
    {
        if (CanSee(user, ticket)) return true;
        if (ticket.InstanceId is not { } instance || user.Identity?.Name is not { } me) return false;
        // While the link is live, or after they decided with it: a delegate whose delegation ended (links withdrawn,
        // unused) reads no more, and handing one's approvals to someone for a minute does not hand them the ticket for good.
        var now = time.GetUtcNow();
        // Slots name people by their user name as the directory spells it, as does the sign-in.
        return await db.ApprovalTokens.AnyAsync(t => t.Approver == me && (t.UsedAt != null || t.ExpiresAt > now)
            && db.Approvals.Any(a => a.Id == t.ApprovalId && a.InstanceId == instance), cancellationToken);
    }

    /// <summary>
    /// Whether the person may act on the ticket as its owner would (cancel it, move a change's window): its requester,
    /// its assignee, an agent of its assignment group, or a process owner or administrator. Another group's agent sees
    /// every ticket, but changing someone else's is not theirs to do.
    /// </summary>
    public static async Task<bool> CanManageAsync(ItsmDbContext db, ClaimsPrincipal user, TicketRecord ticket, CancellationToken cancellationToken)
    {
        var me = user.Identity?.Name;
        if (me is null) return false;
        if (string.Equals(ticket.Requester, me, StringComparison.OrdinalIgnoreCase) || string.Equals(ticket.Assignee, me, StringComparison.OrdinalIgnoreCase)) return true;
        return await WorksOnAsync(db, user, ticket, cancellationToken);
    }

    /// <summary>Whether the caller works the ticket: a process owner or an administrator, or an agent who has it or is in its group.</summary>
    public static async Task<bool> WorksOnAsync(ItsmDbContext db, ClaimsPrincipal user, TicketRecord ticket, CancellationToken cancellationToken)
    {
        if (user.IsInRole(Roles.ProcessOwner) || user.IsInRole(Roles.Admin)) return true;
        if (!user.IsInRole(Roles.Agent) || user.Identity?.Name is not { } me) return false;
        return string.Equals(ticket.Assignee, me, StringComparison.OrdinalIgnoreCase)
            || (ticket.AssignmentGroup is not null && await MemberOfAsync(db, ticket.AssignmentGroup, me, cancellationToken));
    }

    /// <summary>The refusal for someone who may see a ticket but not manage it.</summary>
    public static ProblemException NotYoursToManage(TicketRecord ticket, string what) =>
        new(StatusCodes.Status403Forbidden, "Forbidden", $"Only {ticket.Number}'s requester, its assignee, an agent of {ticket.AssignmentGroup ?? "its group"} or a process owner can {what} it.");

    /// <summary>The history kind of a work note: staff read it, the requester does not.</summary>
    public const string WorkNoteKind = "work-note";

    public static bool IsStaff(ClaimsPrincipal user) => Roles.Staff.Any(user.IsInRole);

    /// <summary>Whether the person is a member of the named group (none for no group).</summary>
    public static Task<bool> MemberOfAsync(ItsmDbContext db, string? group, string userName, CancellationToken cancellationToken) =>
        db.GroupMembers.AnyAsync(m => db.Groups.Any(g => g.Id == m.GroupId && g.Name == group) && db.Users.Any(u => u.Id == m.PersonId && u.UserName == userName), cancellationToken);

    /// <summary>The signed-in person's email address, the one address privacy rules leave them (null without one).</summary>
    public static Task<string?> OwnAddressAsync(ItsmDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var me = user.Identity!.Name!.ToUpperInvariant();
        return db.Users.AsNoTracking().Where(u => u.NormalizedUserName == me).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task AddEventAsync(string number, string actor, string kind, string text, CancellationToken cancellationToken)
    {
        db.TicketEvents.Add(new TicketEventRecord { TicketNumber = number, At = time.GetUtcNow(), Actor = actor, Kind = kind, Text = text });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Sends an event to the ticket's process (acknowledged, waiting on customer, resolved…). When the process is
    /// not waiting for it at this point, nothing changes and the caller learns why in words it can act on.
    /// </summary>
    public async Task<TicketRecord> SignalAsync(TicketRecord ticket, string eventName, JsonObject payload, string notWaitingMessage, CancellationToken cancellationToken)
    {
        var results = await runtime.TriggerEventAsync(eventName, ticket.Number, payload, cancellationToken);
        if (results.Count == 0) throw ProblemException.Conflict(notWaitingMessage);
        return await db.Tickets.AsNoTracking().FirstAsync(t => t.Id == ticket.Id, cancellationToken);
    }

    /// <summary>
    /// A requester's note on their incident while it waits on them is their reply: the process goes back to work and
    /// the resolution clock runs again, as when an agent says the customer replied. Other holds (a vendor) wait on.
    /// </summary>
    public async Task<bool> RequesterRepliedAsync(TicketRecord ticket, string author, CancellationToken cancellationToken)
    {
        if (ticket.Kind != TicketKind.Incident || ticket.Status != TicketStatuses.WaitingOnCustomer) return false;
        if (!string.Equals(ticket.Requester, author, StringComparison.OrdinalIgnoreCase)) return false;
        // Their note is in the history already; the status line says who brought it back to work. A process that was
        // stopped waits for nothing, so the event finds no one.
        return (await runtime.TriggerEventAsync("incident-resumed", ticket.Number, new JsonObject { ["by"] = author, ["assignee"] = ticket.Assignee }, cancellationToken)).Count > 0;
    }

    /// <summary>Whether the person is the caller of an incident that is not closed or cancelled (a resolved one can be reopened).</summary>
    public static bool IsCallerOnOpenIncident(TicketRecord ticket, string person) =>
        ticket.Kind == TicketKind.Incident && !TicketStatuses.IsFinal(ticket.Status) && string.Equals(ticket.Requester, person, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the person is the requester of a request that is not closed (fulfilled, closed incomplete, rejected or cancelled).</summary>
    public static bool IsRequesterOnOpenRequest(TicketRecord ticket, string person) =>
        ticket.Kind == TicketKind.Request && !TicketStatuses.IsFinal(ticket.Status) && string.Equals(ticket.Requester, person, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the ticket's process waits on the event now (what <see cref="SignalAsync"/> with it would resume).</summary>
    public ValueTask<bool> AwaitsAsync(TicketRecord ticket, string eventName, CancellationToken cancellationToken) =>
        runtime.AwaitsEventAsync(eventName, ticket.Number, cancellationToken);

    /// <summary>Whether the ticket's process is still running (one that was cancelled or has ended waits for nothing).</summary>
    public Task<bool> ProcessRunsAsync(TicketRecord ticket, CancellationToken cancellationToken) =>
        ticket.InstanceId is { } instanceId
            ? db.Instances.AnyAsync(i => i.Id == instanceId && i.Status == WorkflowStatus.Running, cancellationToken)
            : Task.FromResult(false);

    /// <summary>
    /// Assigns a ticket that nobody has to <paramref name="me"/> (history "Taken by …", a new revision); refused with 409
    /// when someone took it meanwhile. For work its process no longer waits to be taken (it was taken once, then released).
    /// </summary>
    public async Task<TicketRecord> TakeAsync(TicketRecord ticket, string me, string? note, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var myName = await Identity.DisplayNames.OfAsync(db, me, cancellationToken);
        // One transaction: the assignment and its history line, or neither.
        var strategy = db.Database.CreateExecutionStrategy();
        var taken = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var updated = await db.Tickets.Where(t => t.Id == ticket.Id && t.Assignee == null)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.Assignee, me).SetProperty(t => t.UpdatedAt, now).SetProperty(t => t.Revision, t => t.Revision + 1), cancellationToken);
            if (updated == 0) return false;
            db.TicketEvents.Add(new TicketEventRecord { TicketNumber = ticket.Number, At = now, Actor = me, Kind = "assigned", Text = $"Taken by {myName}" });
            if (!string.IsNullOrWhiteSpace(note)) db.TicketEvents.Add(new TicketEventRecord { TicketNumber = ticket.Number, At = now, Actor = me, Kind = "note", Text = note.Trim() });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return true;
        });
        if (!taken)
        {
            var current = await db.Tickets.AsNoTracking().Where(t => t.Id == ticket.Id).Select(t => t.Assignee).FirstOrDefaultAsync(cancellationToken);
            throw ProblemException.Conflict($"{ticket.Number} was taken meanwhile by {await Identity.DisplayNames.OfAsync(db, current, cancellationToken)}; reload it.");
        }
        return await db.Tickets.AsNoTracking().FirstAsync(t => t.Id == ticket.Id, cancellationToken);
    }

    /// <summary>Cancels the ticket's process (its open tasks are withdrawn by it) and marks the ticket cancelled.</summary>
    public async Task<TicketRecord> CancelAsync(TicketRecord ticket, string actor, string? reason, CancellationToken cancellationToken)
    {
        if (TicketStatuses.IsFinal(ticket.Status)) throw ProblemException.Conflict($"{ticket.Number} is already {ticket.Status.ToLowerInvariant()}; there is nothing to cancel.");
        // Read before its process is called off, which closes its open tasks.
        var workers = await TicketCancelledEmail.WorkersAsync(db, ticket, actor, cancellationToken);
        if (await ProcessRunsAsync(ticket, cancellationToken)) await runtime.CancelAsync(ticket.InstanceId!, cancellationToken);
        var now = time.GetUtcNow();
        var record = await db.Tickets.FirstAsync(t => t.Id == ticket.Id, cancellationToken);
        db.TicketEvents.Add(new TicketEventRecord { TicketNumber = record.Number, At = now, Actor = actor, Kind = "status", Text = $"{record.Status} → {TicketStatuses.Cancelled}" + (string.IsNullOrWhiteSpace(reason) ? "" : ": " + reason) });
        record.Status = TicketStatuses.Cancelled;
        record.ClosedAt = now;
        record.UpdatedAt = now;
        record.Revision++;
        // Cancelled by someone else: its requester hears of it, in the same transaction.
        var email = await TicketCancelledEmail.ComposeAsync(db, record, actor, reason, services.NewId(), services.TicketUrl, cancellationToken);
        if (email is not null) db.Outbox.Add(OutboxMessage.ForEmail(email, record.InstanceId, now));
        // Whoever was working on it stops: their task closed with it, which they would otherwise find out by chance.
        var stop = await TicketCancelledEmail.ComposeForWorkersAsync(db, record, workers, actor, reason, services.NewId(), services.TicketUrl, cancellationToken);
        if (stop is not null) db.Outbox.Add(OutboxMessage.ForEmail(stop, record.InstanceId, now));
        await db.SaveChangesAsync(cancellationToken);
        if (email is not null || stop is not null) outboxSignal.Notify();
        return record;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The process {DefinitionId} could not start for ticket {Number}; the ticket was not raised")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string definitionId, string number);
}
