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

    /// <summary>
    /// Who was working on it (before it is cancelled: its open tasks' assignees, else their groups' agents; with no open
    /// task, its own assignee or group), and the open tasks' numbers; not the one cancelling it, nor its requester (told
    /// above).
    /// </summary>
    public static async Task<(List<string> To, List<string> Tasks)> WorkersAsync(ItsmDbContext db, TicketRecord ticket, string actor, CancellationToken cancellationToken)
    {
        var (to, tasks) = await AssignmentRecipients.ForRequestAsync(db, ticket, actor, cancellationToken);
        if (ticket.Requester is { } requester)
        {
            var theirs = await AssignmentRecipients.OfPeopleAsync(db, [requester], null, cancellationToken);
            to = [.. to.Where(a => !theirs.Contains(a))];
        }
        return (to, tasks);
    }

    /// <summary>The message to those working on it: their work stops, and why.</summary>
    public static async Task<EmailMessage?> ComposeForWorkersAsync(ItsmDbContext db, TicketRecord ticket, (List<string> To, List<string> Tasks) workers, string actor, string? reason, string messageId, Func<string, string?>? ticketUrl, CancellationToken cancellationToken)
    {
        if (workers.To.Count == 0) return null;
        var by = await DisplayNames.OfAsync(db, [actor], cancellationToken);
        var model = new JsonObject
        {
            ["number"] = ticket.Number,
            ["kind"] = ticket.Kind.ToString().ToLowerInvariant(),
            ["title"] = ticket.Title,
            ["by"] = by.Shown(actor),
            ["reason"] = reason ?? "",
            ["tasks"] = workers.Tasks.Count == 0 ? "" : (workers.Tasks.Count == 1 ? "task " : "tasks ") + string.Join(", ", workers.Tasks),
        };
        var (subject, html, text) = NotificationTemplates.Render(NotificationTemplates.Find("ticket-cancelled-work")!, model, ticketUrl?.Invoke(ticket.Number), "Open the ticket");
        return new EmailMessage { Id = messageId, To = workers.To, Subject = subject, HtmlBody = html, TextBody = text };
    }
}
