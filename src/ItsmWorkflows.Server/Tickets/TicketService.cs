using System.Security.Claims;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Calendars;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>Opens tickets and starts their processes; reads a ticket with its history, tasks, SLA clocks and waits.</summary>
internal sealed class TicketService(ItsmDbContext db, WorkflowRuntime runtime, IBusinessCalendarProvider calendars, WorkflowServices services, IWorkflowDefinitionProvider definitions, Runtime.PublishedVersionCache published)
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
            db.TicketEvents.Add(new TicketEventRecord { TicketNumber = number, At = now, Actor = actor, Kind = "created", Text = $"Raised by {actor}" });
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
            throw ProblemException.Conflict($"The process '{definitionId}' could not start for this ticket, so it was not raised: {ex.Message}");
        }
        return await db.Tickets.AsNoTracking().FirstAsync(t => t.Id == ticket.Id, cancellationToken);
    }

    /// <summary>Whom a ticket is raised for: the caller, or (for staff only) someone they name.</summary>
    public async Task<string> OnBehalfOfAsync(ClaimsPrincipal user, string? named, CancellationToken cancellationToken)
    {
        var actor = user.Identity!.Name!;
        if (string.IsNullOrWhiteSpace(named) || string.Equals(named, actor, StringComparison.OrdinalIgnoreCase)) return actor;
        if (!IsStaff(user)) throw ProblemException.BadRequest("Only service desk staff can raise a ticket on someone else's behalf.");
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

    public static bool IsStaff(ClaimsPrincipal user) => user.IsInRole(Roles.Agent) || user.IsInRole(Roles.ProcessOwner) || user.IsInRole(Roles.Admin);

    public async Task<TicketDetailDto> DetailAsync(string number, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var ticket = await FindAsync(number, null, cancellationToken);
        number = ticket.Number;
        if (!CanSee(user, ticket)) throw ProblemException.NotFound($"There is no ticket {number}.");
        var history = await db.TicketEvents.AsNoTracking().Where(e => e.TicketNumber == number).OrderBy(e => e.Id)
            .Select(e => new TicketEventDto(e.At, e.Actor, e.Kind, e.Text)).ToListAsync(cancellationToken);
        var tasks = await db.Tickets.AsNoTracking().Where(t => t.ParentNumber == number).OrderBy(t => t.CreatedAt).ToListAsync(cancellationToken);
        var sla = new JsonObject();
        var waiting = new List<WaitingOnDto>();
        string? processStatus = null;
        if (ticket.InstanceId is { } instanceId)
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
                        var clock = SlaClock.FromJson(json);
                        var calendar = await calendars.FindAsync(clock.Calendar, cancellationToken) ?? BusinessCalendar.AlwaysOpen;
                        sla[name] = clock.Report(calendar, time.GetUtcNow());
                    }
                }
                // One line per waiting activity, named as the process owner named it; the earliest due time if it has several bookmarks.
                var definition = await definitions.FindAsync(state.DefinitionId, state.DefinitionVersionId, cancellationToken);
                var names = definition?.AllActivities().Where(a => a.Name is not null).ToDictionary(a => a.Id, a => a.Name!, StringComparer.Ordinal) ?? [];
                waiting.AddRange(state.Bookmarks.GroupBy(b => b.ActivityId).Select(g => new WaitingOnDto(
                    g.Key, names.GetValueOrDefault(g.Key) ?? g.Key, g.First().Name, g.Min(b => b.DueAt))));
            }
        }
        var (approvals, emails) = ticket.InstanceId is { } id ? await ApprovalsAndEmailsAsync(id, cancellationToken) : ([], []);
        return new TicketDetailDto(TicketDto.From(ticket), history, [.. tasks.Select(TicketDto.From)], sla, waiting, processStatus, approvals, emails);
    }

    /// <summary>
    /// For a page of tickets: the steps each one's workflow waits on (named as the process owner named them; SLA
    /// thresholds left out, the clocks say that) and the state of its SLA clocks taken together: breached if any
    /// breached, else paused, running, or met once all stopped in time.
    /// </summary>
    public async Task<Dictionary<string, TicketProgressDto>> ProgressAsync(IReadOnlyList<TicketRecord> tickets, CancellationToken cancellationToken)
    {
        var ids = tickets.Where(t => t.InstanceId is not null).Select(t => t.InstanceId!).Distinct(StringComparer.Ordinal).ToList();
        var states = await db.Instances.AsNoTracking().Where(i => ids.Contains(i.Id)).Select(i => new { i.Id, i.State }).ToDictionaryAsync(i => i.Id, i => i.State, cancellationToken);
        var now = time.GetUtcNow();
        var result = new Dictionary<string, TicketProgressDto>(StringComparer.Ordinal);
        // A page shares a few versions and calendars: each is looked up once.
        var namesByVersion = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var calendarsByName = new Dictionary<string, BusinessCalendar>(StringComparer.OrdinalIgnoreCase);
        foreach (var ticket in tickets)
        {
            if (ticket.InstanceId is null || !states.TryGetValue(ticket.InstanceId, out var json)) continue;
            var state = WorkflowStateJson.Deserialize(json);
            if (!namesByVersion.TryGetValue(state.DefinitionVersionId, out var names))
            {
                var definition = await definitions.FindAsync(state.DefinitionId, state.DefinitionVersionId, cancellationToken);
                names = definition?.AllActivities().Where(a => a.Name is not null).ToDictionary(a => a.Id, a => a.Name!, StringComparer.Ordinal) ?? [];
                namesByVersion[state.DefinitionVersionId] = names;
            }
            var steps = state.Bookmarks.Where(b => b.Name != ItsmWorkflows.Engine.Activities.Sla.WaitForSlaThreshold.TypeName)
                .Select(b => names.GetValueOrDefault(b.ActivityId) ?? b.ActivityId).Distinct(StringComparer.Ordinal).ToList();
            string? sla = null;
            if (state.Properties.GetValueOrDefault("sla") is JsonObject clocks && clocks.Count > 0)
            {
                var clockStates = new List<string>();
                foreach (var (_, node) in clocks)
                {
                    if (node is null) continue;
                    var clock = SlaClock.FromJson(node);
                    if (!calendarsByName.TryGetValue(clock.Calendar, out var calendar))
                    {
                        calendar = await calendars.FindAsync(clock.Calendar, cancellationToken) ?? BusinessCalendar.AlwaysOpen;
                        calendarsByName[clock.Calendar] = calendar;
                    }
                    clockStates.Add(clock.Breached(calendar, now) ? "breached" : clock.IsStopped ? "met" : clock.IsPaused ? "paused" : "running");
                }
                sla = clockStates.Contains("breached") ? "breached" : clockStates.Contains("paused") ? "paused" : clockStates.Contains("running") ? "running" : clockStates.Count > 0 ? "met" : null;
            }
            result[ticket.Number] = new TicketProgressDto(steps, sla);
        }
        return result;
    }

    /// <summary>
    /// The ticket's workflow as a diagram anyone who may see the ticket may see: the activities (id, type, the
    /// name the process owner gave, position, the case labels that are its ports) and connections of the
    /// version it runs on, where it has been and where it waits. Inputs, scripts and variables stay out: how a
    /// step is configured is the process owner's business, not the requester's.
    /// </summary>
    public async Task<JsonObject> ProcessAsync(string number, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var ticket = await FindAsync(number, null, cancellationToken);
        if (!CanSee(user, ticket)) throw ProblemException.NotFound($"There is no ticket {ticket.Number}.");
        var instanceId = ticket.InstanceId ?? throw ProblemException.NotFound($"Ticket {ticket.Number} is not run by a workflow.");
        var stateJson = await db.Instances.AsNoTracking().Where(i => i.Id == instanceId).Select(i => i.State).FirstOrDefaultAsync(cancellationToken)
            ?? throw ProblemException.NotFound($"The workflow of ticket {ticket.Number} no longer exists.");
        var state = WorkflowStateJson.Deserialize(stateJson);
        var version = await db.Definitions.AsNoTracking().Where(d => d.Id == state.DefinitionVersionId).Select(d => new { d.Json, d.Name, d.Version }).FirstOrDefaultAsync(cancellationToken)
            ?? throw ProblemException.NotFound($"The workflow version of ticket {ticket.Number} no longer exists.");
        var root = JsonNode.Parse(version.Json)?["root"] as JsonObject;
        var flowchart = new JsonObject { ["type"] = root?["type"]?.GetValue<string>() ?? "", ["id"] = root?["id"]?.DeepClone() };
        if (root?["type"]?.GetValue<string>() == "Elsa.Flowchart")
        {
            flowchart["activities"] = new JsonArray([.. (root["activities"] as JsonArray ?? []).OfType<JsonObject>().Select(a => (JsonNode?)DiagramActivity(a))]);
            // Connections as ends and ports only: whatever else a definition keeps on them stays with the process owner.
            flowchart["connections"] = new JsonArray([.. (root["connections"] as JsonArray ?? []).OfType<JsonObject>().Select(c => (JsonNode?)new JsonObject
            {
                ["source"] = End(c["source"], c["sourcePort"]),
                ["target"] = End(c["target"], c["targetPort"]),
            })]);
        }
        return new JsonObject
        {
            ["name"] = version.Name,
            ["version"] = version.Version,
            ["status"] = state.SubStatus.ToString(),
            ["definition"] = new JsonObject { ["root"] = flowchart },
            ["journal"] = new JsonArray([.. state.Journal.Select(j => (JsonNode?)new JsonObject
            {
                ["sequence"] = j.Sequence, ["at"] = j.At.ToString("O"), ["activityId"] = j.ActivityId, ["event"] = j.Event.ToString(),
                ["outcomes"] = j.Outcomes is null ? null : new JsonArray([.. j.Outcomes.Select(o => (JsonNode?)o)]),
            })]),
            ["waiting"] = new JsonArray([.. state.Bookmarks.Select(b => b.ActivityId).Distinct(StringComparer.Ordinal).Select(id => (JsonNode?)id)]),
            ["faulted"] = new JsonArray([.. state.Incidents.Where(i => i.ResolvedAt is null).Select(i => (JsonNode?)i.ActivityId)]),
        };
    }

    /// <summary>A connection end in the current form, from either form: {activity, port} or "activityId" with a separate port.</summary>
    private static JsonObject End(JsonNode? end, JsonNode? separatePort) => end is JsonObject o
        ? new JsonObject { ["activity"] = o["activity"]?.DeepClone(), ["port"] = o["port"]?.DeepClone() }
        : new JsonObject { ["activity"] = end?.DeepClone(), ["port"] = separatePort?.DeepClone() };

    private static JsonObject DiagramActivity(JsonObject activity)
    {
        var shown = new JsonObject
        {
            ["id"] = activity["id"]?.DeepClone(),
            ["type"] = activity["type"]?.DeepClone(),
            ["name"] = activity["name"]?.DeepClone(),
        };
        if (activity["metadata"]?["designer"]?["position"] is JsonNode position) shown["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = position.DeepClone() } };
        // A switch's ports are its cases' labels; their conditions are not shown.
        if (activity["cases"] is JsonArray cases) shown["cases"] = new JsonArray([.. cases.Select(c => (JsonNode?)new JsonObject { ["label"] = c?["label"]?.DeepClone() })]);
        return shown;
    }

    private async Task<(List<TicketApprovalDto>, List<TicketEmailDto>)> ApprovalsAndEmailsAsync(string instanceId, CancellationToken cancellationToken)
    {
        var approvals = await db.Approvals.AsNoTracking().Where(a => a.InstanceId == instanceId).OrderBy(a => a.CreatedAt).ToListAsync(cancellationToken);
        var ids = approvals.Select(a => a.Id).ToList();
        var slots = await db.ApprovalTokens.AsNoTracking().Where(t => ids.Contains(t.ApprovalId)).Select(t => new { t.ApprovalId, t.Approver, t.ApproverName }).ToListAsync(cancellationToken);
        var audit = await db.ApprovalAudit.AsNoTracking().Where(a => ids.Contains(a.ApprovalId)).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        var approvalDtos = approvals.Select(a => new TicketApprovalDto(a.Title, a.CreatedAt, a.DueAt,
            [.. slots.Where(s => s.ApprovalId == a.Id).Select(s => s.ApproverName ?? s.Approver).Distinct()],
            [.. audit.Where(d => d.ApprovalId == a.Id).Select(d => new ApprovalDecisionDto(d.Actor, d.OnBehalfOf, d.Decision, d.Comment, d.Channel, d.At))])).ToList();
        var rows = await db.Outbox.AsNoTracking().Where(o => o.InstanceId == instanceId && o.Kind == Engine.Activities.Email.EmailMessage.OutboxKind).OrderBy(o => o.CreatedAt).ToListAsync(cancellationToken);
        var emails = rows.Select(o =>
        {
            var payload = JsonNode.Parse(o.Payload);
            var to = payload?["to"] is JsonArray list ? list.Select(t => t?.ToString() ?? "").ToList() : [];
            return new TicketEmailDto(payload?["subject"]?.ToString() ?? "(no subject)", to, o.CreatedAt, o.LastError is null ? o.ProcessedAt : null, o.LastError);
        }).ToList();
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

    /// <summary>Cancels the ticket's process (its open tasks are withdrawn by it) and marks the ticket cancelled.</summary>
    public async Task<TicketRecord> CancelAsync(TicketRecord ticket, string actor, string? reason, CancellationToken cancellationToken)
    {
        if (TicketStatuses.IsFinal(ticket.Status)) throw ProblemException.Conflict($"{ticket.Number} is already {ticket.Status.ToLowerInvariant()}; there is nothing to cancel.");
        if (ticket.InstanceId is { } instanceId && await db.Instances.AnyAsync(i => i.Id == instanceId && i.Status == WorkflowStatus.Running, cancellationToken))
        {
            await runtime.CancelAsync(instanceId, cancellationToken);
        }
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
}
