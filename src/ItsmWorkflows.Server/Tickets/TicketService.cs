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

/// <summary>Opens tickets and starts their processes; reads a ticket with its history, tasks, SLA clocks and waits.</summary>
internal sealed partial class TicketService(ItsmDbContext db, WorkflowRuntime runtime, IBusinessCalendarProvider calendars, WorkflowServices services, IWorkflowDefinitionProvider definitions, Runtime.PublishedVersionCache published, ILogger<TicketService> logger)
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
                Risk = draft.Risk,
                PlannedStart = draft.PlannedStart,
                PlannedEnd = draft.PlannedEnd,
                Details = draft.Details,
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

    /// <summary>What a change's process waits on when it takes a new window (the event the reschedule endpoint sends).</summary>
    private static readonly string RescheduleStimulus = StimulusHash.Compute("Elsa.Event", Engine.Activities.Events.Event.Stimulus(Changes.ChangeEndpoints.RescheduledEvent));

    public async Task<TicketDetailDto> DetailAsync(string number, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var ticket = await FindAsync(number, null, cancellationToken);
        number = ticket.Number;
        if (!CanSee(user, ticket)) throw ProblemException.NotFound($"There is no ticket {number}.");
        var history = await db.TicketEvents.AsNoTracking().Where(e => e.TicketNumber == number).OrderBy(e => e.Id)
            .Select(e => new TicketEventDto(e.At, e.Actor, e.Kind, e.Text, null)).ToListAsync(cancellationToken);
        var actorNames = await DisplayNames.OfAsync(db, history.Select(h => h.Actor), cancellationToken);
        history = [.. history.Select(h => h.Actor is { } a && actorNames.TryGetValue(a, out var name) ? h with { ActorName = name } : h)];
        var tasks = await db.Tickets.AsNoTracking().Where(t => t.ParentNumber == number).OrderBy(t => t.CreatedAt).ToListAsync(cancellationToken);
        var sla = new JsonObject();
        var waiting = new List<WaitingOnDto>();
        string? processStatus = null;
        var movable = false;
        // A task's instance is its request's process: the request's clocks, waits, approvals and emails are the
        // request's (its page has them); on the task they read as the task's own, still running after it closed.
        var ownProcess = ticket.Kind != TicketKind.Task;
        if (ticket.InstanceId is { } instanceId && ownProcess)
        {
            var instance = await db.Instances.AsNoTracking().Where(i => i.Id == instanceId).Select(i => new { i.State, i.SubStatus }).FirstOrDefaultAsync(cancellationToken);
            if (instance is not null)
            {
                processStatus = instance.SubStatus.ToString();
                var state = WorkflowStateJson.Deserialize(instance.State);
                if (state.Properties.GetValueOrDefault("sla") is JsonObject clocks)
                {
                    foreach (var (name, json) in clocks)
                    {
                        if (json is null) continue;
                        var clock = SlaClock.FromJson(json).SettledBy(state.SubStatus, state.FinishedAt);
                        var calendar = await calendars.FindAsync(clock.Calendar, cancellationToken) ?? BusinessCalendar.AlwaysOpen;
                        sla[name] = clock.Report(calendar, time.GetUtcNow());
                    }
                }
                // One line per waiting activity, named as the process owner named it; the earliest due time if it has several bookmarks.
                var names = await TicketProcessViews.ActivityNamesAsync(definitions, state, cancellationToken);
                waiting.AddRange(state.Bookmarks.GroupBy(b => b.ActivityId).Select(g => new WaitingOnDto(
                    g.Key, names.GetValueOrDefault(g.Key) ?? g.Key, g.First().Name, g.Min(b => b.DueAt), PendingApprovers(state, g))));
                // Asked of the process, not guessed from the status: a change raised under v1-v3 takes a move only while held.
                // A window that opened is being implemented even before its timer fires (the move would be refused).
                movable = ticket.Kind == TicketKind.Change && state.Bookmarks.Any(b => b.StimulusHash == RescheduleStimulus)
                    && !(ticket.Status == "Scheduled" && ticket.PlannedStart <= time.GetUtcNow());
            }
        }
        var (approvals, emails) = ticket.InstanceId is { } id && ownProcess ? await ApprovalsAndEmailsAsync(id, cancellationToken) : ([], []);
        List<TicketDto> taskRows = [.. tasks.Select(TicketDto.From)];
        var shown = TicketDto.From(ticket);
        if (!IsStaff(user))
        {
            // A requester reads that each email went out and what about, not whom else it went to (approvers, a group's
            // members); nor anyone's address in what the process wrote into the history ("Approval requested from …")
            // or into its tasks' titles and instructions.
            var own = await OwnAddressAsync(db, user, cancellationToken);
            emails = [.. emails.Select(e => TicketEmailPrivacy.ForRequester(e, own))];
            history = [.. history.Select(e => TicketEmailPrivacy.ForRequester(e, own))];
            (approvals, waiting) = TicketEmailPrivacy.ForRequester(approvals, waiting);
            taskRows = [.. taskRows.Select(t => TicketEmailPrivacy.ForViewer(t, user.Identity!.Name!, own))];
            shown = TicketEmailPrivacy.ForViewer(shown, user.Identity!.Name!, own);
        }
        return new TicketDetailDto(shown, history, taskRows, sla, waiting, processStatus, approvals, emails, movable);
    }

    /// <summary>Who an approval step still waits on (the approval records are written later, by the job that emails the approvers).</summary>
    private static IReadOnlyList<string>? PendingApprovers(WorkflowState state, IEnumerable<Bookmark> bookmarks) =>
        bookmarks.Where(b => b.Name == Engine.Activities.Approvals.RequestApproval.TypeName)
            .Select(b => state.Frames.TryGetValue(b.FrameId, out var frame) ? Engine.Activities.Approvals.RequestApproval.PendingApprovers(frame.State) : null)
            .FirstOrDefault(who => who is not null);

    private async Task<(List<TicketApprovalDto>, List<TicketEmailDto>)> ApprovalsAndEmailsAsync(string instanceId, CancellationToken cancellationToken)
    {
        var approvals = await db.Approvals.AsNoTracking().Where(a => a.InstanceId == instanceId).OrderBy(a => a.CreatedAt).ToListAsync(cancellationToken);
        var ids = approvals.Select(a => a.Id).ToList();
        var slots = await db.ApprovalTokens.AsNoTracking().Where(t => ids.Contains(t.ApprovalId))
            .Select(t => new { t.ApprovalId, t.Approver, t.ApproverName, t.Email, t.EmailedAt, t.EmailError }).ToListAsync(cancellationToken);
        var audit = await db.ApprovalAudit.AsNoTracking().Where(a => ids.Contains(a.ApprovalId)).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        // Who decided, by the name people know them by (a delegate is not among the slots: looked up).
        var displayNames = await Identity.DisplayNames.OfAsync(db, audit.SelectMany(d => new[] { d.Actor, d.OnBehalfOf }), cancellationToken);
        var approvalDtos = approvals.Select(a => new TicketApprovalDto(a.Title, a.CreatedAt, a.DueAt,
            [.. slots.Where(s => s.ApprovalId == a.Id).Select(s => s.ApproverName ?? s.Approver).Distinct()],
            [.. audit.Where(d => d.ApprovalId == a.Id).Select(d => new ApprovalDecisionDto(d.Actor, d.OnBehalfOf, d.Decision, d.Comment, d.Channel, d.At, displayNames.GetValueOrDefault(d.Actor),
                d.OnBehalfOf is null ? null : displayNames.GetValueOrDefault(d.OnBehalfOf)))])).ToList();
        var rows = await db.Outbox.AsNoTracking().Where(o => o.InstanceId == instanceId && o.Kind == Engine.Activities.Email.EmailMessage.OutboxKind).OrderBy(o => o.CreatedAt).ToListAsync(cancellationToken);
        var emails = rows.Select(o =>
        {
            var payload = JsonNode.Parse(o.Payload);
            var to = payload?["to"] is JsonArray list ? list.Select(t => t?.ToString() ?? "").ToList() : [];
            return new TicketEmailDto(payload?["subject"]?.ToString() ?? "(no subject)", to, o.CreatedAt, o.LastError is null ? o.ProcessedAt : null, o.LastError, o.ProcessedAt is not null && o.LastError is not null);
        }).ToList();
        // Each approval's request emails (one per approver with an address, sent by the approval mailer, not the outbox's email kind).
        foreach (var approval in approvals)
        {
            var sent = slots.Where(s => s.ApprovalId == approval.Id && s.Email is { Length: > 0 }).ToList();
            if (sent.Count == 0) continue;
            var error = sent.Select(s => s.EmailError).FirstOrDefault(e => e is not null);
            var allSent = sent.All(s => s.EmailedAt is not null);
            emails.Add(new TicketEmailDto($"Approval needed: {approval.Title}", [.. sent.Select(s => s.Email!)], approval.CreatedAt,
                allSent ? sent.Max(s => s.EmailedAt) : null, error, error is not null && !allSent));
        }
        emails.Sort((a, b) => a.QueuedAt.CompareTo(b.QueuedAt));
        return (approvalDtos, emails);
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

    /// <summary>Whether the ticket's process waits on the event now (what <see cref="SignalAsync"/> with it would resume).</summary>
    public ValueTask<bool> AwaitsAsync(TicketRecord ticket, string eventName, CancellationToken cancellationToken) =>
        runtime.AwaitsEventAsync(eventName, ticket.Number, cancellationToken);

    /// <summary>Whether the ticket's process is still running (one that was cancelled or has ended waits for nothing).</summary>
    public Task<bool> ProcessRunsAsync(TicketRecord ticket, CancellationToken cancellationToken) =>
        ticket.InstanceId is { } instanceId
            ? db.Instances.AnyAsync(i => i.Id == instanceId && i.Status == WorkflowStatus.Running, cancellationToken)
            : Task.FromResult(false);

    /// <summary>Cancels the ticket's process (its open tasks are withdrawn by it) and marks the ticket cancelled.</summary>
    public async Task<TicketRecord> CancelAsync(TicketRecord ticket, string actor, string? reason, CancellationToken cancellationToken)
    {
        if (TicketStatuses.IsFinal(ticket.Status)) throw ProblemException.Conflict($"{ticket.Number} is already {ticket.Status.ToLowerInvariant()}; there is nothing to cancel.");
        if (await ProcessRunsAsync(ticket, cancellationToken)) await runtime.CancelAsync(ticket.InstanceId!, cancellationToken);
        var now = time.GetUtcNow();
        var record = await db.Tickets.FirstAsync(t => t.Id == ticket.Id, cancellationToken);
        db.TicketEvents.Add(new TicketEventRecord { TicketNumber = record.Number, At = now, Actor = actor, Kind = "status", Text = $"{record.Status} → {TicketStatuses.Cancelled}" + (string.IsNullOrWhiteSpace(reason) ? "" : ": " + reason) });
        record.Status = TicketStatuses.Cancelled;
        record.ClosedAt = now;
        record.UpdatedAt = now;
        record.Revision++;
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The process {DefinitionId} could not start for ticket {Number}; the ticket was not raised")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string definitionId, string number);
}
