using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>
/// The email to whoever works an incident when its caller answers while it waited on them (as an agent hears of a
/// customer's comment in Jira Service Management): its assignee, else its group's agents; with what they wrote.
/// </summary>
internal static class TicketRepliedEmail
{
    /// <summary>The message, or null when nobody it is for has a usable email address.</summary>
    public static async Task<EmailMessage?> ComposeAsync(ItsmDbContext db, TicketRecord ticket, string caller, string note, string messageId, Func<string, string?>? ticketUrl, CancellationToken cancellationToken)
    {
        var (to, _) = await AssignmentRecipients.FindAsync(db, ticket.Assignee, ticket.AssignmentGroup, except: caller, cancellationToken);
        if (to.Count == 0) return null;
        var by = await DisplayNames.OfAsync(db, [caller], cancellationToken);
        var model = new JsonObject
        {
            ["number"] = ticket.Number,
            ["title"] = ticket.Title,
            ["by"] = by.Shown(caller),
            ["note"] = note,
        };
        var (subject, html, text) = NotificationTemplates.Render(NotificationTemplates.Find("incident-replied")!, model, ticketUrl?.Invoke(ticket.Number), "Open the incident");
        return new EmailMessage { Id = messageId, To = to, Subject = subject, HtmlBody = html, TextBody = text };
    }
}
