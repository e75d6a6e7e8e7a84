using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>
/// The email about a ticket someone reassigned by hand (the portal's Reassign, or the assign API), or that went back to
/// its group's queue because its assignee was switched off: to the new assignee, or when it moved to a group without
/// one to the group's members; never to whoever made the change.
/// </summary>
internal static class TicketAssignedEmail
{
    /// <summary>
    /// The message, or null when nobody it is for has a usable email address (or the assignee took it themself).
    /// <paramref name="switchedOff"/>: the display name of the assignee it was taken from because their account was switched off.
    /// </summary>
    public static async Task<EmailMessage?> ComposeAsync(ItsmDbContext db, TicketRecord ticket, string actor, string? switchedOff, string messageId, Func<string, string?>? ticketUrl, CancellationToken cancellationToken)
    {
        var (to, _) = await AssignmentRecipients.FindAsync(db, ticket.Assignee, ticket.AssignmentGroup, except: actor, cancellationToken);
        if (to.Count == 0) return null;
        var by = await DisplayNames.OfAsync(db, [actor], cancellationToken);
        var model = new JsonObject
        {
            ["number"] = ticket.Number,
            ["kind"] = ticket.Kind.ToString().ToLowerInvariant(),
            ["title"] = ticket.Title,
            ["group"] = ticket.AssignmentGroup,
            ["assignee"] = ticket.Assignee,
            ["by"] = by.Shown(actor),
            ["switchedOff"] = switchedOff,
        };
        var (subject, html, text) = NotificationTemplates.Render(NotificationTemplates.Find("ticket-assigned")!, model, ticketUrl?.Invoke(ticket.Number), "Open the ticket");
        return new EmailMessage { Id = messageId, To = to, Subject = subject, HtmlBody = html, TextBody = text };
    }
}
