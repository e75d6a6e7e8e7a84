using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>
/// The open tickets of someone whose account is switched off go back to their groups' queues: left with a person who
/// can no longer sign in, nobody would work them, and the group would not know they were its work again.
/// </summary>
internal static class SwitchedOffWork
{
    /// <summary>
    /// Unassigns every open ticket of <paramref name="person"/> (any kind; the group stays), each with a history line
    /// and the "ticket-assigned" email to its group, as an unassignment through the assign endpoint would; returns how
    /// many. Staged on <paramref name="db"/>, not saved: the caller commits it with the switch-off, and must have saved
    /// the person's DisabledAt in that transaction first, so the group's email leaves them out. Switching them on again
    /// gives nothing back: by then the group may have taken the work.
    /// </summary>
    public static async Task<(int Released, int Emails)> ReleaseAsync(ItsmDbContext db, Person person, string actor, DateTimeOffset now, WorkflowServices services, CancellationToken cancellationToken)
    {
        var userName = person.UserName!;
        var open = await db.Tickets.Where(t => t.Assignee == userName && t.ClosedAt == null).OrderBy(t => t.Number).ToListAsync(cancellationToken);
        var emails = 0;
        foreach (var ticket in open)
        {
            db.TicketEvents.Add(new TicketEventRecord { TicketNumber = ticket.Number, At = now, Actor = actor, Kind = "assigned", Text = $"Unassigned: {person.DisplayName} was switched off" });
            ticket.Assignee = null;
            ticket.UpdatedAt = now;
            // A form read before this (a reassignment, a close) is stale now and is refused, as after any assignment.
            ticket.Revision++;
            var email = await TicketAssignedEmail.ComposeAsync(db, ticket, actor, person.DisplayName, services.NewId(), services.TicketUrl, cancellationToken);
            if (email is null) continue;
            db.Outbox.Add(OutboxMessage.ForEmail(email, ticket.InstanceId, now));
            emails++;
        }
        return (open.Count, emails);
    }
}
