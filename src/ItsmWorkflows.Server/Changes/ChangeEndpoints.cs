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
internal static partial class ChangeEndpoints
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

    /// <summary>"2 hours", "2 hours 1 minute": a window's length as the engine words durations.</summary>
    private static string Duration(TimeSpan span) => Engine.Calendars.DurationText.Describe(span, workingTime: false);

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
