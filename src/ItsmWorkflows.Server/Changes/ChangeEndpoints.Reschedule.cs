using System.Security.Claims;
using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Catalog;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using ItsmWorkflows.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Changes;

/// <summary>Moving a change's window: while held by a conflict, or scheduled and not yet open; its process checks the new window again.</summary>
internal static partial class ChangeEndpoints
{
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
}
