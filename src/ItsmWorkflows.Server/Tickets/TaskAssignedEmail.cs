using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Server.Data;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>
/// The email about a task that has just opened (Create Task with "notify"): to its assignee, or without one to every
/// member of its group, naming the task's number so they can find it. The number exists only once the host opens the
/// task, which is why the host writes this email and a workflow step cannot.
/// </summary>
internal static class TaskAssignedEmail
{
    /// <summary>The message, or null when nobody it is for has a usable email address.</summary>
    public static async Task<EmailMessage?> ComposeAsync(ItsmDbContext db, TicketRecord task, TicketRecord? parent, string messageId, Func<string, string?>? ticketUrl, CancellationToken cancellationToken)
    {
        // Addressed by name, as the workflow's notifications are; an address mail cannot take is left out, not the others.
        var (to, firstName) = await AssignmentRecipients.FindAsync(db, task.Assignee, task.AssignmentGroup, except: null, cancellationToken);
        if (to.Count == 0) return null;

        var model = new JsonObject
        {
            ["task"] = task.Number,
            ["number"] = parent?.Number ?? task.ParentNumber ?? task.Number,
            ["title"] = task.Title,
            ["group"] = task.AssignmentGroup ?? firstName ?? task.Assignee,
            ["assignee"] = task.Assignee,
            // The facts the requester gave (a request's answers), as the group's email showed them before.
            ["details"] = parent is null ? null : (JsonNode.Parse(parent.Details)?["summary"] as JsonObject)?.DeepClone(),
        };
        var template = NotificationTemplates.Find("task-assigned")!;
        var (subject, html, text) = NotificationTemplates.Render(template, model, ticketUrl?.Invoke(task.Number), "Open the task");
        return new EmailMessage { Id = messageId, To = to, Subject = subject, HtmlBody = html, TextBody = text };
    }
}
