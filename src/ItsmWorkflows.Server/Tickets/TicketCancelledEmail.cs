using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>The email to a ticket's requester when someone else cancelled it: before, it showed only in the history.</summary>
internal static class TicketCancelledEmail
{
    /// <summary>The message, or null when the requester cancelled it themself or has no usable address.</summary>
    public static async Task<EmailMessage?> ComposeAsync(ItsmDbContext db, TicketRecord ticket, string actor, string? reason, string messageId, Func<string, string?>? ticketUrl, CancellationToken cancellationToken)
    {
        if (ticket.Requester is null || string.Equals(ticket.Requester, actor, StringComparison.OrdinalIgnoreCase)) return null;
        var (to, _) = await AssignmentRecipients.FindAsync(db, ticket.Requester, null, except: actor, cancellationToken);
        if (to.Count == 0) return null;
        var by = await DisplayNames.OfAsync(db, [actor], cancellationToken);
        var model = new JsonObject
        {
            ["number"] = ticket.Number,
            ["kind"] = ticket.Kind.ToString().ToLowerInvariant(),
            ["title"] = ticket.Title,
            ["by"] = by.Shown(actor),
            ["reason"] = reason ?? "",
        };
        var (subject, html, text) = NotificationTemplates.Render(NotificationTemplates.Find("ticket-cancelled")!, model, ticketUrl?.Invoke(ticket.Number), "Open the ticket");
        return new EmailMessage { Id = messageId, To = to, Subject = subject, HtmlBody = html, TextBody = text };
    }
}
