using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Calendars;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Catalog;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using ItsmWorkflows.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Incidents;

internal sealed record RaiseIncidentRequest(string Title, string? Description, string ServiceId, int Impact, int Urgency, string? Caller);

internal sealed record IncidentActionRequest(string? Note, string? Status = null);

/// <summary>
/// /api/incidents: raise (priority from the matrix, SLA targets from the service's SLA definition; the
/// incident-escalation workflow runs it), and the actions that move it: acknowledge, wait on the customer,
/// customer replied, resolve, and reopen (by the requester, within three days of the resolution). Each action is an event for the incident's process, which sets the status
/// and drives the SLA clocks; an action the process is not ready for is refused with the reason.
/// </summary>
internal static class IncidentEndpoints
{
    public const string Workflow = "incident-escalation";

    public static void MapIncidentEndpoints(this WebApplication app)
    {
        var incidents = app.MapGroup("/api/incidents").WithTags("Incidents").RequireAuthorization(Policies.SignedIn);
        incidents.MapPost("", RaiseAsync).WithSummary("Raises an incident: priority from impact × urgency, SLA clocks from the service, assigned to its first-line group.");
        var staff = incidents.MapGroup("/{number}").RequireAuthorization(Policies.StartWorkflows);
        staff.MapPost("/acknowledge", async (string number, IncidentActionRequest? body, ClaimsPrincipal user, TicketService t, ItsmDbContext db, CancellationToken ct) =>
        {
            // Taking it assigns it to you: only an agent of its group may, as an assignment would require.
            var ticket = await t.FindAsync(number, TicketKind.Incident, ct);
            var me = user.Identity!.Name!;
            var overseer = user.IsInRole(Roles.Admin) || user.IsInRole(Roles.ProcessOwner);
            if (!overseer && ticket.AssignmentGroup is { } group && !await TicketService.MemberOfAsync(db, group, me, ct))
            {
                throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden",
                    $"{me} does not work for {group}, which {ticket.Number} is with; ask one of its agents to take it, or move it to your group first (POST /api/tickets/{ticket.Number}/assign).");
            }
            // Taken before and back with nobody on it (its agent was switched off, or unassigned by hand): the process
            // no longer waits to be told, so taking it is an assignment to me.
            if (ticket.Assignee is null && ticket.Status != TicketStatuses.Resolved && !TicketStatuses.IsFinal(ticket.Status)
                && await t.ProcessRunsAsync(ticket, ct) && !await t.AwaitsAsync(ticket, "incident-acknowledged", ct))
            {
                return TicketDto.From(await t.TakeAsync(ticket, me, body?.Note, ct));
            }
            return await ActAsync(ticket, "incident-acknowledged", body, user, t, "{0} has already been acknowledged, or is resolved.", ct);
        }).WithSummary("Takes the incident: assigns it to you (an agent of its group) and stops the response clock.");
        staff.MapPost("/wait-on-customer", async (string number, IncidentActionRequest? body, ClaimsPrincipal user, TicketService t, ItsmDbContext db,
            Engine.Execution.WorkflowServices services, Mail.OutboxSignal outboxSignal, CancellationToken ct) =>
        {
            // The hold reasons are the SLA definition's pausing states: only those stop the clock.
            var ticket = await t.FindAsync(number, TicketKind.Incident, ct);
            var reasons = JsonNode.Parse(ticket.Details)?["sla"]?["pauseStatuses"] is JsonArray list && list.Count > 0
                ? list.Select(s => s!.GetValue<string>()).ToList()
                : [TicketStatuses.WaitingOnCustomer];
            var status = string.IsNullOrWhiteSpace(body?.Status) ? reasons[0] : reasons.FirstOrDefault(r => string.Equals(r, body.Status.Trim(), StringComparison.OrdinalIgnoreCase));
            if (status is null) throw ProblemException.BadRequest($"'{body!.Status}' does not pause this incident's SLA; use one of: {string.Join(", ", reasons)}.");
            var held = await ActAsync(ticket, "incident-waiting", (body ?? new IncidentActionRequest(null)) with { Status = status }, user, t, "{0} cannot be put on hold now: it is already on hold, or resolved.", ct);
            if (status == TicketStatuses.WaitingOnCustomer)
            {
                // The caller learns her answer is needed, with the question: the reply loop depends on her noticing.
                await RequesterNoteEmails.AnswerNeededAsync(db, services, outboxSignal, ticket, user.Identity!.Name!, body?.Note, ct);
            }
            return held;
        }).WithSummary("Puts the incident on hold (waiting on the customer, or another pausing state of its SLA definition): the resolution clock pauses; waiting on the customer emails her the question.");
        staff.MapPost("/customer-replied", (string number, IncidentActionRequest? body, ClaimsPrincipal user, TicketService t, CancellationToken ct) =>
            ActAsync(number, "incident-resumed", body, user, t, "{0} is not waiting on the customer.", ct))
            .WithSummary("The customer answered: work resumes and the resolution clock runs again.");
        staff.MapPost("/resolve", (string number, IncidentActionRequest? body, ClaimsPrincipal user, TicketService t, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body?.Note)) throw ProblemException.BadRequest("Say how the incident was resolved ('note'); the requester reads it.");
            return ActAsync(number, "incident-resolved", body, user, t, "{0} is already resolved.", ct);
        }).WithSummary("Resolves the incident: clocks stop and the requester is told how.");
        incidents.MapPost("/{number}/cancel", async (string number, Requests.CancelRequest? body, ClaimsPrincipal user, TicketService tickets, ItsmDbContext db, CancellationToken ct) =>
        {
            // Raised by mistake, a duplicate, or left without a process (an operator cancelled it): its caller, or the
            // staff who work it, close it.
            var ticket = await tickets.FindAsync(number, TicketKind.Incident, ct);
            if (!TicketService.CanSee(user, ticket)) throw ProblemException.NotFound($"There is no incident {number}.");
            if (!await TicketService.CanManageAsync(db, user, ticket, ct)) throw TicketService.NotYoursToManage(ticket, "cancel");
            // Resolved is an outcome (its clocks met or breached): it closes, or is reopened, but is not called off.
            if (ticket.Status == TicketStatuses.Resolved) throw ProblemException.Conflict($"{ticket.Number} is resolved; it closes by itself, or reopen it if it is not fixed.");
            return TicketDto.From(await tickets.CancelAsync(ticket, user.Identity!.Name!, body?.Reason, ct));
        }).WithSummary("Cancels an incident (raised by mistake, a duplicate, or one whose process was stopped): its process stops, its SLA clocks are called off, and whoever works on it is told to stop.");
        incidents.MapPost("/{number}/reopen", ReopenAsync)
            .WithSummary("The requester (or staff) says a resolved incident is not fixed, within three days of its resolution: it goes back to work and its resolution clock runs again.");
    }

    /// <summary>
    /// Reopens a resolved incident. Its requester may, and so may staff; anyone else gets the same answer as for an
    /// incident that does not exist. Only a resolved incident whose process waits for the verdict can be reopened.
    /// </summary>
    private static async Task<TicketDto> ReopenAsync(string number, IncidentActionRequest? body, ClaimsPrincipal user, TicketService tickets, ItsmDbContext db, CancellationToken ct)
    {
        var ticket = await tickets.FindAsync(number, TicketKind.Incident, ct);
        if (!TicketService.IsStaff(user) && !string.Equals(ticket.Requester, user.Identity?.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw ProblemException.NotFound($"There is no incident {number.Trim().ToUpperInvariant()}.");
        }
        if (string.IsNullOrWhiteSpace(body?.Note)) throw ProblemException.BadRequest("Say what is still not working ('note'); the group that resolved it reads it.");
        if (ticket.Status != TicketStatuses.Resolved)
        {
            throw ProblemException.Conflict(TicketStatuses.IsFinal(ticket.Status)
                ? $"{ticket.Number} is {ticket.Status.ToLowerInvariant()}: the three days to reopen it have passed. Raise a new incident if the problem is back."
                : $"{ticket.Number} is not resolved ({ticket.Status.ToLowerInvariant()}); there is nothing to reopen.");
        }
        // byName: the group's email names her as people know her (v3 reads it; by stays the user name for the history).
        var payload = new JsonObject { ["by"] = user.Identity!.Name, ["byName"] = await Identity.DisplayNames.OfAsync(db, user.Identity!.Name, ct), ["note"] = body.Note.Trim() };
        return TicketDto.From(await tickets.SignalAsync(ticket, "incident-reopened", payload,
            $"{ticket.Number} cannot be reopened: it was raised under a version of the incident process without reopening. Raise a new incident if the problem is back.", ct));
    }

    private static async Task<TicketDto> ActAsync(string number, string eventName, IncidentActionRequest? body, ClaimsPrincipal user, TicketService tickets, string notWaiting, CancellationToken ct) =>
        await ActAsync(await tickets.FindAsync(number, TicketKind.Incident, ct), eventName, body, user, tickets, notWaiting, ct);

    private static async Task<TicketDto> ActAsync(TicketRecord ticket, string eventName, IncidentActionRequest? body, ClaimsPrincipal user, TicketService tickets, string notWaiting, CancellationToken ct)
    {
        var number = ticket.Number;
        if (ticket.Status == TicketStatuses.Resolved || TicketStatuses.IsFinal(ticket.Status))
        {
            throw ProblemException.Conflict(ticket.Status == TicketStatuses.Resolved
                ? $"{ticket.Number} is resolved; if it is not fixed, reopen it (POST /api/incidents/{ticket.Number}/reopen) within three days of the resolution."
                : $"{ticket.Number} is {ticket.Status.ToLowerInvariant()}; raise a new incident if the problem is back.");
        }
        if (!await tickets.ProcessRunsAsync(ticket, ct))
        {
            throw ProblemException.Conflict($"{ticket.Number}'s process was stopped, so nothing waits for this any more; work it by hand, or cancel it (POST /api/incidents/{ticket.Number}/cancel).");
        }
        // Who has it now (assignment by hand does not pass through the process): a hold that ends goes back to work, or to the queue.
        var payload = new JsonObject { ["by"] = user.Identity!.Name, ["note"] = body?.Note, ["status"] = body?.Status, ["assignee"] = ticket.Assignee };
        return TicketDto.From(await tickets.SignalAsync(ticket, eventName, payload, string.Format(CultureInfo.InvariantCulture, notWaiting, number), ct));
    }

    private static async Task<IResult> RaiseAsync(RaiseIncidentRequest body, ClaimsPrincipal user, TicketService tickets, IncidentRaiser raiser, CancellationToken ct)
    {
        var caller = await tickets.OnBehalfOfAsync(user, body.Caller, ct);
        var ticket = await raiser.RaiseAsync(new IncidentDraft(body.Title, body.Description, body.ServiceId, body.Impact, body.Urgency, caller, user.Identity!.Name!), ct);
        return Results.Created($"/api/tickets/{ticket.Number}", TicketDto.From(ticket));
    }
}
