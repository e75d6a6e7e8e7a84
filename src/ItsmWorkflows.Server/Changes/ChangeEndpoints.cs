using System.Security.Claims;
using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Catalog;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using ItsmWorkflows.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Changes;

internal sealed record RaiseChangeRequest(
    string Title, string? Description, string Type, IReadOnlyList<string> Services, DateTimeOffset? PlannedStart, DateTimeOffset? PlannedEnd,
    string? ImplementationPlan, string? BackoutPlan, string? TestPlan, JsonObject? Questionnaire, int? Impact, string? AssignmentGroup, string? Template = null);

internal sealed record RescheduleRequest(DateTimeOffset PlannedStart, DateTimeOffset PlannedEnd);

internal sealed record ChangeCalendarEntry(string Number, string Title, string Type, string Status, string? Risk, DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<string> Services);

/// <summary>/api/changes: raise (the change-approval workflow runs it), reschedule, cancel, and the change calendar.</summary>
internal static class ChangeEndpoints
{
    /// <summary>The event a change's process waits on for a new window (change-approval v4 while scheduled; every version while held).</summary>
    public const string RescheduledEvent = "change-rescheduled";

    /// <summary>A change the CAB (or emergency approver) did not authorize: it will not happen, so the calendar leaves it out.</summary>
    private const string Rejected = "Rejected";

    public const string Workflow = "change-approval";

    /// <summary>The status the shipped process gives a change whose window clashes (from v2).</summary>
    private const string HeldStatus = "On hold: conflict";
    public static readonly string[] Types = ["standard", "normal", "emergency"];

    /// <summary>The risk questionnaire's questions and their answers (Itsm.AssessRisk reads them).</summary>
    private static readonly Dictionary<string, string[]?> Questions = new(StringComparer.Ordinal)
    {
        ["userImpact"] = ["none", "some", "many", "all"],
        ["tested"] = null,
        ["rollbackTested"] = null,
        ["doneBefore"] = null,
        ["downtime"] = null,
    };

    public static void MapChangeEndpoints(this WebApplication app)
    {
        // Two groups under one prefix: policies on a group add up, so the calendar cannot sit inside the staff group
        // and be opened wider there; it is for anyone signed in (the README says so and the portal offers it to all).
        var all = app.MapGroup("/api/changes").WithTags("Changes");
        var changes = all.MapGroup("").RequireAuthorization(Policies.StartWorkflows);
        changes.MapPost("", RaiseAsync).WithSummary("Raises a change (standard, normal or emergency) and starts the change-approval workflow.");
        changes.MapPost("/{number}/reschedule", RescheduleAsync).WithSummary("Moves a change's planned window while it is held by a conflict, or scheduled and its window not yet open; the workflow checks the new window against the calendar again.");
        changes.MapPost("/{number}/cancel", async (string number, Requests.CancelRequest? body, ClaimsPrincipal user, TicketService tickets, ItsmDbContext db, CancellationToken ct) =>
            {
                var ticket = await tickets.FindAsync(number, TicketKind.Change, ct);
                if (!await TicketService.CanManageAsync(db, user, ticket, ct)) throw TicketService.NotYoursToManage(ticket, "cancel");
                return TicketDto.From(await tickets.CancelAsync(ticket, user.Identity!.Name!, body?.Reason, ct));
            })
            .WithSummary("Cancels a change at any point before it is closed (its requester, assignee, an agent of its group or a process owner; a requester who did not cancel it is emailed, and whoever works on it is told to stop).");
        all.MapGet("/calendar", CalendarAsync).RequireAuthorization(Policies.SignedIn)
            .WithSummary("Changes with a planned window in [from, to), and the blackout windows there (for anyone signed in).");
    }

    private static async Task<IResult> RaiseAsync(RaiseChangeRequest body, ClaimsPrincipal user, ItsmDbContext db, TicketService tickets, Engine.Execution.WorkflowServices engine, CancellationToken ct)
    {
        // Windows are kept in UTC whatever offset they were sent with: SQLite compares stored times as written, so
        // 10:00+02:00 kept as such would sort after 09:00Z and clash checks and the calendar would miss it.
        body = body with { PlannedStart = body.PlannedStart?.ToUniversalTime(), PlannedEnd = body.PlannedEnd?.ToUniversalTime() };
        // "Normal" is "normal": any case is accepted, the lower-case name is what is stored and what the workflow compares.
        var type = Types.FirstOrDefault(t => string.Equals(t, body.Type?.Trim(), StringComparison.OrdinalIgnoreCase));
        // An unknown type with a template is an unknown type (said below), not a normal change sent a template.
        var template = type == "standard" || (type is not null && !string.IsNullOrWhiteSpace(body.Template)) ? await StandardTemplateAsync(db, body, type, ct) : null;
        if (template is not null) body = FromTemplate(body, template);
        var problems = new List<string>();
        foreach (var (question, answer) in body.Questionnaire ?? [])
        {
            if (!Questions.TryGetValue(question, out var answers)) problems.Add($"The questionnaire has no question '{question}'; it asks {string.Join(", ", Questions.Keys)}.");
            else if (answers is null && !(answer is JsonValue b && b.TryGetValue<bool>(out _))) problems.Add($"Questionnaire '{question}' is answered true or false.");
            else if (answers is not null && !(answer is JsonValue t && t.TryGetValue<string>(out var text) && answers.Contains(text))) problems.Add($"Questionnaire '{question}' is one of {string.Join(", ", answers)}.");
        }
        if (string.IsNullOrWhiteSpace(body.Title)) problems.Add("A change needs a title.");
        if (type is null) problems.Add("The type is standard, normal or emergency.");
        if (body.Services is null || body.Services.Count == 0) problems.Add("Name the affected services ('services').");
        if (body.PlannedStart is null || body.PlannedEnd is null) problems.Add("A change needs a planned window ('plannedStart', 'plannedEnd').");
        else if (body.PlannedEnd <= body.PlannedStart) problems.Add("The planned window must end after it starts.");
        else if (body.PlannedEnd <= engine.Time.GetUtcNow()) problems.Add("The planned window is already over; plan it in the future.");
        // Pre-approved is not unannounced: a standard change whose window had started would go straight to implementation,
        // its "scheduled" notice arriving after the work began. (An emergency may be under way; a normal one waits for its CAB.)
        else if (type == "standard" && body.PlannedStart <= engine.Time.GetUtcNow())
        {
            problems.Add($"A standard change is planned ahead, and this window would already have started ({Engine.Expressions.DisplayTime.Format(body.PlannedStart.Value, engine.TimeZone)} is past); plan it from now on, or raise an emergency change for work already under way.");
        }
        if (body.Impact is not (null or 1 or 2 or 3)) problems.Add("Impact is 1 (high), 2 (medium) or 3 (low).");
        if (type == "normal" && string.IsNullOrWhiteSpace(body.ImplementationPlan)) problems.Add("A normal change needs an implementation plan.");
        if (template?.MaxDuration is { } longest && body.PlannedStart is { } from && body.PlannedEnd is { } to && to - from > longest)
        {
            problems.Add($"Template '{template.Name}' is authorized for windows of at most {Duration(longest)}; this one is {Duration(to - from)}. Shorten it, or raise a normal change for the CAB.");
        }
        if (problems.Count > 0) throw ProblemException.BadRequest(string.Join(" ", problems));
        // A standard change is pre-approved routine work and skips the CAB: a change whose own answers say it is high
        // risk (everyone affected, untested, downtime) cannot take that path by being labelled standard.
        if (type == "standard" && body.Questionnaire is { Count: > 0 } answered)
        {
            var (level, reasons) = Engine.Activities.Changes.AssessRisk.AssessAnswers(answered);
            // High only: a routine change may well have one untested step (Moderate); everyone affected, untested and
            // with downtime is not routine.
            if (level == "High")
            {
                throw ProblemException.BadRequest($"A standard change is pre-approved routine work and goes ahead without the Change Advisory Board; by its own answers this one is {level} risk ({string.Join(" ", reasons)}). Raise it as a normal change for the CAB to approve.");
            }
        }
        var found = await db.Services.AsNoTracking().Where(s => body.Services!.Contains(s.Id)).ToListAsync(ct);
        var unknown = body.Services!.Except(found.Select(s => s.Id)).ToList();
        if (unknown.Count > 0) throw ProblemException.BadRequest($"Unknown services: {string.Join(", ", unknown)}.");
        // In the order given: the first service is the main one, and its support group implements by default.
        var services = body.Services!.Distinct().Select(id => found.First(s => s.Id == id)).ToList();
        // By default the main service's technical team implements: its second tier (the first is the service desk).
        var tiers = Json.Strings(services[0].Tiers);
        var group = string.IsNullOrWhiteSpace(body.AssignmentGroup) ? (tiers.Count > 1 ? tiers[1] : services[0].SupportGroup) : body.AssignmentGroup;
        if (!await db.Groups.AnyAsync(g => g.Name == group, ct)) throw ProblemException.BadRequest($"There is no group '{group}'.");

        var change = new JsonObject
        {
            ["type"] = type,
            ["affectedServices"] = new JsonArray([.. services.Select(s => (JsonNode?)new JsonObject { ["id"] = s.Id, ["name"] = s.Name, ["criticality"] = s.Criticality })]),
            ["plannedStart"] = body.PlannedStart!.Value.ToUniversalTime().ToString("O"),
            ["plannedEnd"] = body.PlannedEnd!.Value.ToUniversalTime().ToString("O"),
            ["implementationPlan"] = body.ImplementationPlan,
            ["backoutPlan"] = body.BackoutPlan,
            ["testPlan"] = body.TestPlan,
            ["impact"] = body.Impact,
        };
        if (template is not null)
        {
            // What it was authorized for as raised: a move stays inside this and inside the template as it is then.
            change["template"] = new JsonObject
            {
                ["id"] = template.Id, ["name"] = template.Name, ["revision"] = template.Revision,
                ["maxDuration"] = template.MaxDuration?.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        var details = new JsonObject { ["change"] = change.DeepClone(), ["questionnaire"] = body.Questionnaire?.DeepClone() };
        var actor = user.Identity!.Name!;
        var draft = new TicketRecord
        {
            Id = "",
            Number = "",
            Kind = TicketKind.Change,
            Title = body.Title.Trim(),
            Description = body.Description,
            Status = TicketStatuses.New,
            Requester = actor,
            AssignmentGroup = group,
            ServiceId = services[0].Id,
            ChangeType = type,
            ChangeTemplateId = template?.Id,
            Impact = body.Impact,
            PlannedStart = body.PlannedStart,
            PlannedEnd = body.PlannedEnd,
            Details = details.ToJsonString(),
        };
        var ticket = await tickets.OpenAsync(draft, Workflow, t =>
        {
            var forWorkflow = (JsonObject)change.DeepClone();
            forWorkflow["number"] = t.Number;
            return new JsonObject
            {
                ["number"] = t.Number,
                ["title"] = t.Title,
                ["description"] = t.Description,
                ["type"] = type,
                ["requester"] = actor,
                ["assignmentGroup"] = group,
                ["change"] = forWorkflow,
                ["questionnaire"] = body.Questionnaire?.DeepClone() ?? new JsonObject(),
                ["window"] = Engine.Expressions.DisplayTime.FormatWindow(body.PlannedStart!.Value, body.PlannedEnd!.Value, engine.TimeZone),
            };
        }, actor, ct);
        return Results.Created($"/api/tickets/{ticket.Number}", TicketDto.From(ticket));
    }

    /// <summary>
    /// The template a standard change is raised from: standard work is pre-authorized work, and the authorization is the
    /// template (its services, plans and longest window), so without one a change could skip the CAB by its label alone.
    /// </summary>
    private static async Task<ChangeTemplateRecord> StandardTemplateAsync(ItsmDbContext db, RaiseChangeRequest body, string? type, CancellationToken ct)
    {
        if (type != "standard")
        {
            throw ProblemException.BadRequest("A template raises a standard change ('type': 'standard'); a normal or emergency change carries its own plans, so leave 'template' out.");
        }
        if (string.IsNullOrWhiteSpace(body.Template))
        {
            throw ProblemException.BadRequest("A standard change is raised from a standard change template, routine work whose plans were authorized once ('template': its id; GET /api/change-templates lists them). Work no template covers is a normal change, for the CAB to approve.");
        }
        var id = body.Template.Trim();
        var template = await db.ChangeTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct)
            ?? throw ProblemException.BadRequest($"There is no standard change template '{id}'; GET /api/change-templates lists them.");
        if (!template.Active)
        {
            throw ProblemException.BadRequest($"Template '{template.Name}' was retired{(template.UpdatedBy is { } by ? " by " + by : "")}, so it no longer authorizes changes; pick another, or raise a normal change for the CAB.");
        }
        if (body.ImplementationPlan is not null || body.BackoutPlan is not null || body.TestPlan is not null)
        {
            throw ProblemException.BadRequest($"A standard change follows its template's plans, which are what was authorized: leave 'implementationPlan', 'backoutPlan' and 'testPlan' out (template '{template.Name}' has them), or raise a normal change to plan it differently.");
        }
        // Who does the work is part of what was authorized when the template names a group.
        if (template.AssignmentGroup is { } group && !string.IsNullOrWhiteSpace(body.AssignmentGroup) && !string.Equals(body.AssignmentGroup.Trim(), group, StringComparison.Ordinal))
        {
            throw ProblemException.BadRequest($"Template '{template.Name}' is authorized to be carried out by {group}, not {body.AssignmentGroup.Trim()}; leave 'assignmentGroup' out, or raise a normal change.");
        }
        var allowed = Json.Strings(template.Services);
        if (body.Services?.Where(s => !allowed.Contains(s, StringComparer.Ordinal)).ToList() is { Count: > 0 } outside)
        {
            throw ProblemException.BadRequest($"Template '{template.Name}' is authorized for {string.Join(", ", allowed)} only, not {string.Join(", ", outside)}; leave 'services' out to take the template's, or raise a normal change.");
        }
        return template;
    }

    /// <summary>A standard change as its template fills it: its plans, its services unless some of them were named, its group (unless it names none and another was), its name unless a title was given.</summary>
    private static RaiseChangeRequest FromTemplate(RaiseChangeRequest body, ChangeTemplateRecord template) => body with
    {
        Title = string.IsNullOrWhiteSpace(body.Title) ? template.Name : body.Title,
        Services = body.Services is { Count: > 0 } named ? named : Json.Strings(template.Services),
        ImplementationPlan = template.ImplementationPlan,
        BackoutPlan = template.BackoutPlan,
        TestPlan = template.TestPlan,
        AssignmentGroup = string.IsNullOrWhiteSpace(body.AssignmentGroup) ? template.AssignmentGroup : body.AssignmentGroup,
    };

    /// <summary>
    /// A standard change's move goes to the calendar only, not to the CAB, so it must stay inside what authorized it:
    /// a template still in use, still covering the change's services, and a window no longer than the template allowed
    /// when the change was raised nor than it allows now.
    /// </summary>
    private static async Task CheckStillAuthorizedAsync(ItsmDbContext db, TicketRecord ticket, string templateId, RescheduleRequest body, CancellationToken ct)
    {
        var template = await db.ChangeTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == templateId, ct);
        var raised = JsonNode.Parse(ticket.Details)?["change"];
        var name = template?.Name ?? raised?["template"]?["name"]?.GetValue<string>() ?? templateId;
        var instead = "cancel it and raise a normal change for the CAB";
        if (template is null || !template.Active)
        {
            throw ProblemException.BadRequest($"{ticket.Number} is a standard change from template '{name}', which is retired and no longer authorizes changes, so it cannot be moved; {instead}.");
        }
        var covered = Json.Strings(template.Services);
        var services = DbChangeScheduleProvider.ServiceIds(ticket.Details).Where(s => !covered.Contains(s, StringComparer.Ordinal)).ToList();
        if (services.Count > 0)
        {
            throw ProblemException.BadRequest($"{ticket.Number} is a standard change from template '{name}', which no longer covers {string.Join(", ", services)}, so it cannot be moved; {instead}.");
        }
        // Revised since (its plans changed): what was authorized is no longer what the template says.
        if (!SamePlan(raised?["implementationPlan"], template.ImplementationPlan) || !SamePlan(raised?["backoutPlan"], template.BackoutPlan) || !SamePlan(raised?["testPlan"], template.TestPlan))
        {
            throw ProblemException.BadRequest($"{ticket.Number} is a standard change from template '{name}', whose plans were revised since it was raised, so it no longer authorizes this change as planned and it cannot be moved; cancel it and raise it again from the template, or raise a normal change for the CAB.");
        }
        TimeSpan? then = TimeSpan.TryParse(raised?["template"]?["maxDuration"]?.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : null;
        var longest = new[] { then, template.MaxDuration }.Where(d => d is not null).Min();
        if (longest is { } limit && body.PlannedEnd - body.PlannedStart > limit)
        {
            throw ProblemException.BadRequest($"{ticket.Number} is a standard change from template '{name}', authorized for windows of at most {Duration(limit)}; the new one is {Duration(body.PlannedEnd - body.PlannedStart)}. Shorten it, or {instead}.");
        }
    }

    private static bool SamePlan(JsonNode? raised, string? now) =>
        string.Equals(raised is JsonValue v && v.TryGetValue<string>(out var text) ? text : null, now, StringComparison.Ordinal);

    /// <summary>"2 hours", "2 hours 1 minute": a window's length as the engine words durations.</summary>
    private static string Duration(TimeSpan span) => Engine.Calendars.DurationText.Describe(span, workingTime: false);

    private static async Task<TicketDto> RescheduleAsync(string number, RescheduleRequest body, ClaimsPrincipal user, ItsmDbContext db, TicketService tickets, Engine.Execution.WorkflowServices engine, Live.LiveUpdates live, CancellationToken ct)
    {
        // The engine's clock, as raising uses: the process schedules against it, and a window already over would go straight to Implement.
        var time = engine.Time;
        if (body.PlannedStart == default || body.PlannedEnd == default) throw ProblemException.BadRequest("Send the new window: 'plannedStart' and 'plannedEnd' (ISO 8601, with an offset or Z).");
        body = new RescheduleRequest(body.PlannedStart.ToUniversalTime(), body.PlannedEnd.ToUniversalTime()); // kept in UTC, as raising does
        if (body.PlannedEnd <= body.PlannedStart) throw ProblemException.BadRequest("The planned window must end after it starts.");
        if (body.PlannedEnd <= time.GetUtcNow()) throw ProblemException.BadRequest("The planned window is already over; plan it in the future.");
        // A move plans a window ahead: one that has already opened would send the change straight to implementation
        // without the notice a window gives the people it affects. (Raising accepts one: an emergency may be under way.)
        if (body.PlannedStart <= time.GetUtcNow())
        {
            throw ProblemException.BadRequest($"The new window would already have started ({Engine.Expressions.DisplayTime.Format(body.PlannedStart, engine.TimeZone)} is past); move it to a start after now.");
        }
        var ticket = await tickets.FindAsync(number, TicketKind.Change, ct);
        if (!await TicketService.CanManageAsync(db, user, ticket, ct)) throw TicketService.NotYoursToManage(ticket, "move");
        if (ticket.ChangeTemplateId is { } templateId) await CheckStillAuthorizedAsync(db, ticket, templateId, body, ct);
        // Moving it then would call off an implementation that is due.
        if (WindowOpened(ticket, time.GetUtcNow()))
        {
            throw ProblemException.Conflict($"{ticket.Number}'s window opened at {Engine.Expressions.DisplayTime.Format(ticket.PlannedStart!.Value, engine.TimeZone)}, so it is being implemented and cannot be moved; cancel it if it must not go ahead.");
        }
        // Its own window again is a request to check it again: a change held by a conflict that has since moved away
        // or been cancelled is free to go (otherwise it would have to be moved away and back).
        var recheck = ticket.PlannedStart == body.PlannedStart && ticket.PlannedEnd == body.PlannedEnd;
        if (recheck && !string.Equals(ticket.Status, HeldStatus, StringComparison.Ordinal))
        {
            throw ProblemException.BadRequest($"{ticket.Number} is planned for that window already; send the window it should move to. (Its own window is checked again only while it is held by a conflict.)");
        }
        // Only v9 checks its own window again as it is (v1-v3 check any window given while held against the calendar
        // only); v4-v8 take any window given after a conflict through authorization again: the CAB, or for an emergency
        // change the emergency approver, whose timeout rejects it.
        if (recheck && await db.Instances.AsNoTracking().Where(i => i.Id == ticket.InstanceId).Select(i => (int?)i.Version).FirstOrDefaultAsync(ct) is >= 4 and < 9 and var version)
        {
            throw ProblemException.BadRequest($"{ticket.Number} runs on version {version} of its process, which would send its own window back for authorization as if it were a new one. Move it to another window, or have a process owner move its process to the newest version first (POST /api/instances/{ticket.InstanceId}/migrate), which checks it again as it is.");
        }
        // Asked before anything is saved: a move the process does not take now changes nothing, not even the revision.
        if (!await tickets.AwaitsAsync(ticket, RescheduledEvent, ct)) throw NotMovable(ticket);
        var record = await db.Tickets.FirstAsync(t => t.Id == ticket.Id, ct);
        var before = (record.PlannedStart, record.PlannedEnd, record.Details);
        var details = JsonNode.Parse(record.Details)!.AsObject();
        details["change"]!["plannedStart"] = body.PlannedStart.ToString("O");
        details["change"]!["plannedEnd"] = body.PlannedEnd.ToString("O");
        record.PlannedStart = body.PlannedStart;
        record.PlannedEnd = body.PlannedEnd;
        record.Details = details.ToJsonString();
        record.UpdatedAt = time.GetUtcNow();
        record.Revision++; // two moves at once: the second to save is refused here, before anything is signalled
        var note = new TicketEventRecord { TicketNumber = number, At = time.GetUtcNow(), Actor = user.Identity!.Name, Kind = "note", Text = recheck
            ? $"Asked to check its window {Engine.Expressions.DisplayTime.FormatWindow(body.PlannedStart, body.PlannedEnd, engine.TimeZone)} against the calendar again"
            : $"Rescheduled to {Engine.Expressions.DisplayTime.FormatWindow(body.PlannedStart, body.PlannedEnd, engine.TimeZone)}" };
        db.TicketEvents.Add(note);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw ProblemException.Conflict($"{number} was changed by someone else at the same moment (moved, or its process moved on); reload it and try again.");
        }
        var payload = new JsonObject { ["plannedStart"] = body.PlannedStart.ToString("O"), ["plannedEnd"] = body.PlannedEnd.ToString("O"), ["by"] = user.Identity!.Name };
        try
        {
            return TicketDto.From(await tickets.SignalAsync(ticket, RescheduledEvent, payload, "", ct));
        }
        catch (ProblemException)
        {
            // Its process moved on between the check and the move (its window opened, say): put the old window back, so
            // the ticket and its process agree, and take this move's note out of the history. The revision goes on
            // (never back: a number once seen must not name another state), and the process may be saving the ticket
            // at the same moment, so a clash is read again and retried.
            for (var attempt = 1; ; attempt++)
            {
                db.ChangeTracker.Clear();
                var again = await db.Tickets.FirstAsync(t => t.Id == ticket.Id, CancellationToken.None);
                (again.PlannedStart, again.PlannedEnd, again.Details) = (before.PlannedStart, before.PlannedEnd, RestoreWindow(again.Details, before.Details));
                again.UpdatedAt = time.GetUtcNow();
                again.Revision++;
                try
                {
                    await db.SaveChangesAsync(CancellationToken.None);
                    break;
                }
                catch (DbUpdateConcurrencyException) when (attempt < 5)
                {
                }
            }
            await db.TicketEvents.Where(e => e.Id == note.Id).ExecuteDeleteAsync(CancellationToken.None);
            live.Ticket(number); // a bulk delete bypasses the change tracker: say so after it
            // Said with the status it has now: its process may have moved on while this request ran.
            throw NotMovable(await tickets.FindAsync(number, TicketKind.Change, CancellationToken.None));
        }
    }

    /// <summary>
    /// A scheduled change whose window has opened is being implemented, even in the moment before its timer fires (or
    /// while the server that would fire it is down): it is not moved any more.
    /// </summary>
    public static bool WindowOpened(TicketRecord ticket, DateTimeOffset now) => ticket.Status == "Scheduled" && ticket.PlannedStart <= now;

    private static ProblemException NotMovable(TicketRecord ticket) =>
        ProblemException.Conflict($"{ticket.Number} cannot be moved now (its status is {ticket.Status}): a change can be moved while it is held by a conflict, or scheduled and its window not yet open (one raised under a version of the change process before v4 only while held).");

    /// <summary>The ticket's details as they are now, with the change's window as it was before the move (the process may have written other details meanwhile).</summary>
    private static string RestoreWindow(string current, string before)
    {
        var now = JsonNode.Parse(current)!.AsObject();
        var was = JsonNode.Parse(before)!["change"];
        if (now["change"] is JsonObject change && was is JsonObject old)
        {
            change["plannedStart"] = old["plannedStart"]?.DeepClone();
            change["plannedEnd"] = old["plannedEnd"]?.DeepClone();
        }
        return now.ToJsonString();
    }

    // Requesters and approvers read this too: an entry carries what a change calendar publishes (number, title,
    // type, status, risk, window, services) so people can plan around outages, never descriptions, plans or people.
    private static async Task<object> CalendarAsync(DateTimeOffset? from, DateTimeOffset? to, ItsmDbContext db, TimeProvider time, CancellationToken ct)
    {
        // In UTC, as the windows are kept (see RaiseAsync).
        var start = (from ?? time.GetUtcNow().AddDays(-7)).ToUniversalTime();
        var end = (to ?? start.AddDays(60)).ToUniversalTime();
        if (end <= start) throw ProblemException.BadRequest("'to' must be after 'from'.");
        // A calendar is read a few months at a time; anyone signed in reads it, so it is not a way to list every change ever raised.
        if (end - start > TimeSpan.FromDays(400)) throw ProblemException.BadRequest("The calendar shows at most 400 days at a time; narrow 'from' and 'to'.");
        var rows = await db.Tickets.AsNoTracking()
            .Where(t => t.Kind == TicketKind.Change && t.Status != TicketStatuses.Cancelled && t.Status != Rejected && t.PlannedStart < end && start < t.PlannedEnd)
            .OrderBy(t => t.PlannedStart).ToListAsync(ct);
        var blackouts = (await db.BlackoutWindows.AsNoTracking().ToListAsync(ct)).Where(b => b.Start < end && start < b.End).OrderBy(b => b.Start);
        return new
        {
            from = start,
            to = end,
            changes = rows.Select(t => new ChangeCalendarEntry(t.Number, t.Title, t.ChangeType ?? "normal", t.Status, t.Risk, t.PlannedStart!.Value, t.PlannedEnd!.Value, DbChangeScheduleProvider.ServiceIds(t.Details))),
            blackouts = blackouts.Select(b => new BlackoutWindowDto(b.Id, b.Name, b.Start, b.End, Json.Strings(b.Services))),
        };
    }
}
