using System.Globalization;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Calendars;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Catalog;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using ItsmWorkflows.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Incidents;

/// <summary>An incident to raise: for whom (the caller, a user name or an address) and who raised it (the actor, for the history).</summary>
internal sealed record IncidentDraft(string? Title, string? Description, string? ServiceId, int Impact, int Urgency, string Caller, string Actor,
    string? AlertKey = null, string? RaisedBy = null, string? RaisedByLabel = null);

/// <summary>
/// Raises incidents, from the form or API and from workflows (Raise Incident): priority from the matrix, SLA targets
/// from the service's SLA definition, the first support tier as its group, and the incident process started for it.
/// </summary>
internal sealed partial class IncidentRaiser(ItsmDbContext db, TicketService tickets, IBusinessCalendarProvider calendars, TimeProvider time, ILogger<IncidentRaiser> logger)
{
    /// <summary>Targets when a service has no SLA definition: (response, resolution) per priority 1–5.</summary>
    private static readonly (TimeSpan Response, TimeSpan Resolution)[] DefaultTargets =
    [
        (TimeSpan.FromMinutes(15), TimeSpan.FromHours(4)), (TimeSpan.FromMinutes(30), TimeSpan.FromHours(8)), (TimeSpan.FromHours(2), TimeSpan.FromHours(24)),
        (TimeSpan.FromHours(8), TimeSpan.FromHours(40)), (TimeSpan.FromHours(24), TimeSpan.FromHours(80)),
    ];

    /// <summary>Raises it, or refuses with every reason at once (400) before anything is saved.</summary>
    public async Task<TicketRecord> RaiseAsync(IncidentDraft draft, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(draft.Title)) problems.Add("An incident needs a title: what is not working.");
        if (draft.Impact is < 1 or > 3) problems.Add("Impact is 1 (high), 2 (medium) or 3 (low).");
        if (draft.Urgency is < 1 or > 3) problems.Add("Urgency is 1 (high), 2 (medium) or 3 (low).");
        if (problems.Count > 0) throw ProblemException.BadRequest(string.Join(" ", problems));
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == draft.ServiceId, ct) ?? throw ProblemException.BadRequest($"There is no service '{draft.ServiceId}'.");
        var caller = draft.Caller;
        var priority = PriorityMatrix.Priority(await PriorityMatrix.LoadAsync(db, ct), draft.Impact, draft.Urgency);
        var definition = service.SlaDefinitionId is { } slaId ? await db.SlaDefinitions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == slaId, ct) : null;
        var (response, resolution) = DefaultTargets[priority - 1];
        if (definition is not null && CatalogEndpoints.ToDto(definition).Targets.TryGetValue(priority.ToString(CultureInfo.InvariantCulture), out var target))
        {
            (response, resolution) = (target.Response, target.Resolution);
        }
        var calendar = definition?.Calendar ?? service.Calendar;
        var tiers = Json.Strings(service.Tiers);
        // The targets as people read them ("15 minutes", "4 working hours"), beside the spans the clocks take.
        var workingTime = DurationText.IsWorkingTime(await calendars.FindAsync(calendar, ct));
        var callerName = await DisplayNames.OfAsync(db, caller, ct) ?? caller;
        var sla = new JsonObject
        {
            ["definition"] = definition?.Name ?? "Default targets",
            ["calendar"] = calendar,
            ["response"] = response.ToString("c", CultureInfo.InvariantCulture),
            ["resolution"] = resolution.ToString("c", CultureInfo.InvariantCulture),
            ["responseText"] = DurationText.Describe(response, workingTime),
            ["resolutionText"] = DurationText.Describe(resolution, workingTime),
            ["pauseStatuses"] = new JsonArray([.. (definition is null ? [TicketStatuses.WaitingOnCustomer] : Json.Strings(definition.PauseStatuses)).Select(p => (JsonNode?)p)]),
        };
        var record = new TicketRecord
        {
            Id = "",
            Number = "",
            Kind = TicketKind.Incident,
            Title = draft.Title!.Trim(),
            Description = draft.Description,
            Status = TicketStatuses.New,
            Requester = caller,
            AssignmentGroup = tiers.Count > 0 ? tiers[0] : service.SupportGroup,
            ServiceId = service.Id,
            Priority = priority,
            Impact = draft.Impact,
            Urgency = draft.Urgency,
            Details = new JsonObject { ["sla"] = sla.DeepClone(), ["service"] = service.Name }.ToJsonString(),
            AlertKey = draft.AlertKey,
            RaisedBy = draft.RaisedBy,
        };
        return await tickets.OpenAsync(record, IncidentEndpoints.Workflow, t => new JsonObject
        {
            ["number"] = t.Number,
            ["title"] = t.Title,
            ["requester"] = caller,
            ["requesterName"] = callerName,
            ["service"] = service.Name,
            ["owner"] = service.Owner,
            ["priority"] = priority,
            ["priorityName"] = PriorityMatrix.Name(priority),
            ["assignmentGroup"] = t.AssignmentGroup,
            ["tiers"] = new JsonArray([.. (tiers.Count > 0 ? tiers : [service.SupportGroup]).Select(g => (JsonNode?)g)]),
            ["sla"] = sla.DeepClone(),
            // Who raised it, when not the caller: "The workflow zabbix-alerts" (its group's email says so, not the service owner's name).
            ["raisedBy"] = draft.RaisedByLabel,
        }, draft.Actor, ct);
    }

    /// <summary>
    /// A workflow's Raise Incident (its outbox message): raised once per request (a redelivery finds the incident it
    /// made), or, with an alert key whose incident is still open, a note on that one. Returns the report for the
    /// waiting step: { raised, number, created } or { raised: false, reason }.
    /// </summary>
    public async Task<JsonObject> RaiseForWorkflowAsync(JsonObject request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var requestId = request["requestId"]!.GetValue<string>();
        var made = await db.Tickets.AsNoTracking().Where(t => t.RaisedBy == requestId).Select(t => t.Number).FirstOrDefaultAsync(ct);
        if (made is not null) return Raised(made, true);
        var title = request["title"]?.GetValue<string>();
        var definitionId = request["definitionId"]?.GetValue<string>() ?? "a workflow";
        try
        {
            if (request["alertKey"]?.GetValue<string>() is { Length: > 0 } key && await RepeatAsync(key, title, request["description"]?.GetValue<string>(), definitionId, ct) is { } open)
            {
                return Raised(open, false);
            }
            var caller = await CallerAsync(request["caller"]?.GetValue<string>(), request["serviceId"]?.GetValue<string>(), ct);
            // The history says the workflow raised it, for its caller (the service's owner when none was named), not that they did.
            var label = $"the workflow {definitionId}";
            var ticket = await RaiseAsync(new IncidentDraft(title, request["description"]?.GetValue<string>(), request["serviceId"]?.GetValue<string>(),
                (int)request["impact"]!.GetValue<long>(), (int)request["urgency"]!.GetValue<long>(), caller, label,
                request["alertKey"]?.GetValue<string>(), requestId, $"The workflow {definitionId}"), ct);
            if (ticket.AlertKey is { } alertKey)
            {
                await db.TicketEvents.AddAsync(new TicketEventRecord { TicketNumber = ticket.Number, At = time.GetUtcNow(), Actor = label, Kind = "note", Text = $"Alert {alertKey}: while this incident is open, the alert firing again is noted here" }, ct);
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
            LogRaised(logger, ticket.Number, definitionId);
            return Raised(ticket.Number, true);
        }
        catch (ProblemException ex)
        {
            return new JsonObject { ["raised"] = false, ["reason"] = ex.Message };
        }
    }

    private static JsonObject Raised(string number, bool created) => new() { ["raised"] = true, ["number"] = number, ["created"] = created };

    /// <summary>The alert fired again while its incident is open (not resolved or closed): a note on it, not a second incident.</summary>
    private async Task<string?> RepeatAsync(string key, string? title, string? description, string definitionId, CancellationToken ct)
    {
        var open = await db.Tickets.Where(t => t.Kind == TicketKind.Incident && t.AlertKey == key && t.ClosedAt == null && t.Status != TicketStatuses.Resolved)
            .OrderByDescending(t => t.CreatedAt).FirstOrDefaultAsync(ct);
        if (open is null) return null;
        var now = time.GetUtcNow();
        var text = $"The alert {key} fired again (workflow {definitionId})" + (string.IsNullOrWhiteSpace(title) ? "" : $": {title.Trim()}")
            + (string.IsNullOrWhiteSpace(description) ? "" : $" — {description.Trim()}");
        db.TicketEvents.Add(new TicketEventRecord { TicketNumber = open.Number, At = now, Actor = $"the workflow {definitionId}", Kind = "note", Text = text.Length > 2000 ? text[..2000] : text });
        open.UpdatedAt = now;
        open.Revision++;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return open.Number;
    }

    /// <summary>Who the incident is for: a named person (by user name or address), an outside address, or the service's owner.</summary>
    private async Task<string> CallerAsync(string? named, string? serviceId, CancellationToken ct)
    {
        var (caller, refusal) = await ResolveCallerAsync(db, serviceId, named, ct);
        return caller ?? throw ProblemException.BadRequest(refusal!);
    }

    /// <summary>
    /// The caller a workflow's incident is raised for, or why there is none: a named person who can sign in (by user name
    /// or address), an outside address, or, when none is named, the service's owner if their account is on.
    /// </summary>
    public static async Task<(string? Caller, string? Refusal)> ResolveCallerAsync(ItsmDbContext db, string? serviceId, string? named, CancellationToken ct)
    {
        var service = await db.Services.AsNoTracking().Where(s => s.Id == serviceId).Select(s => new { s.Owner }).FirstOrDefaultAsync(ct);
        if (service is null) return (null, $"There is no service '{serviceId}'.");
        if (string.IsNullOrWhiteSpace(named))
        {
            if (service.Owner is null) return (null, $"No caller was named and the service '{serviceId}' has no owner to stand for one; give Raise Incident a caller.");
            var owner = await db.Users.AsNoTracking().Where(u => u.UserName == service.Owner).Select(u => new { u.DisabledAt }).FirstOrDefaultAsync(ct);
            return owner is { DisabledAt: not null }
                ? (null, $"No caller was named and the service '{serviceId}''s owner {service.Owner} is switched off; give Raise Incident a caller, or the service a new owner.")
                : (service.Owner, null);
        }
        var normalized = named.Trim().ToUpperInvariant();
        var person = await db.Users.AsNoTracking().Where(u => u.NormalizedUserName == normalized || u.NormalizedEmail == normalized).Select(u => new { u.UserName, u.DisabledAt }).FirstOrDefaultAsync(ct);
        if (person is { DisabledAt: null }) return (person.UserName, null);
        if (person is not null) return (null, $"The caller {person.UserName} is switched off.");
        if (named.Contains('@', StringComparison.Ordinal)) return (named.Trim(), null); // someone outside the directory, told by email
        return (null, $"There is no person '{named}' to raise the incident for; name a user, an email address, or nobody (the service's owner).");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {Number} raised by the workflow {DefinitionId}")]
    private static partial void LogRaised(ILogger logger, string number, string definitionId);
}
