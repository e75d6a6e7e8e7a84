using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using ItsmWorkflows.Server.Mail;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>
/// The emails between a ticket's requester and whoever works it: to an incident's caller, that an answer is needed
/// (the loop depends on her noticing); to them, that she answered, or that she wrote on it otherwise (as an agent hears
/// of a customer's comment in Jira Service Management), each with the words written; to a request's approvers who have
/// not decided, that she wrote while it waits on them.
/// </summary>
internal static class RequesterNoteEmails
{
    /// <summary>Queues the email to the caller that the incident waits on her answer (none when she has no usable address).</summary>
    public static async Task AnswerNeededAsync(ItsmDbContext db, WorkflowServices services, OutboxSignal signal, TicketRecord ticket, string agent, string? note, CancellationToken cancellationToken) =>
        await QueueAsync(db, services, signal, ticket, await ComposeAsync(db, "incident-waiting", "Answer on the incident", ticket, await ToAsync(db, ticket.Requester, null, agent, cancellationToken), agent, note, false, services, cancellationToken), cancellationToken);

    /// <summary>Queues the email to its assignee, else its group's agents, that the caller answered (none when nobody has a usable address).</summary>
    public static async Task AnsweredAsync(ItsmDbContext db, WorkflowServices services, OutboxSignal signal, TicketRecord ticket, string caller, string note, CancellationToken cancellationToken) =>
        await QueueAsync(db, services, signal, ticket, await ComposeAsync(db, "incident-replied", "Open the incident", ticket, await WorkingItAsync(db, ticket, caller, cancellationToken), caller, note, false, services, cancellationToken), cancellationToken);

    /// <summary>
    /// Queues the email to its assignee, else its group's agents, that the caller wrote on it while it did not wait on her
    /// (in progress, held for a vendor, resolved: her words may be that the fix did not work).
    /// </summary>
    public static async Task CommentedAsync(ItsmDbContext db, WorkflowServices services, OutboxSignal signal, TicketRecord ticket, string caller, string note, bool canReopen, CancellationToken cancellationToken) =>
        await QueueAsync(db, services, signal, ticket, await ComposeAsync(db, "incident-commented", "Open the incident", ticket, await WorkingItAsync(db, ticket, caller, cancellationToken), caller, note, canReopen, services, cancellationToken), cancellationToken);

    /// <summary>
    /// Queues the email to whoever works an open request (its open tasks' assignees, else their groups' agents; with
    /// no open task, its own assignee or group) that its requester wrote on it, naming the open tasks; and, while an
    /// approval of it waits, one to the approvers who have not decided (and delegates deciding for them), who are the
    /// ones her "please approve by Friday" is for. Someone who is both hears once, as an approver.
    /// </summary>
    public static async Task RequestCommentedAsync(ItsmDbContext db, WorkflowServices services, OutboxSignal signal, TicketRecord request, string requester, string note, CancellationToken cancellationToken)
    {
        // Approvers outside the directory are left out: the email's button opens the request's page, which they cannot;
        // they decide with the link they hold.
        var waitingOn = request.InstanceId is { } instanceId ? await Approvals.ApprovalService.UndecidedApproversAsync(db, instanceId, cancellationToken) : [];
        var approvers = await AssignmentRecipients.OfPeopleAsync(db, waitingOn, except: requester, cancellationToken);
        var (to, tasks) = await AssignmentRecipients.ForRequestAsync(db, request, except: requester, cancellationToken);
        var openTasks = tasks.Count switch
        {
            0 => null,
            1 => $"task {tasks[0]} is open",
            _ => $"tasks {string.Join(", ", tasks)} are open",
        };
        var emails = new[]
        {
            await ComposeAsync(db, "request-commented-approval", "Open the request", request, approvers, requester, note, false, services, cancellationToken),
            await ComposeAsync(db, "request-commented", "Open the request", request, [.. to.Except(approvers)], requester, note, false, services, cancellationToken, new JsonObject { ["tasks"] = openTasks }),
        };
        await QueueAsync(db, services, signal, request, emails, cancellationToken);
    }

    private static Task QueueAsync(ItsmDbContext db, WorkflowServices services, OutboxSignal signal, TicketRecord ticket, EmailMessage? email, CancellationToken cancellationToken) =>
        QueueAsync(db, services, signal, ticket, [email], cancellationToken);

    private static async Task QueueAsync(ItsmDbContext db, WorkflowServices services, OutboxSignal signal, TicketRecord ticket, IReadOnlyList<EmailMessage?> emails, CancellationToken cancellationToken)
    {
        if (emails.All(e => e is null)) return;
        foreach (var email in emails.OfType<EmailMessage>()) db.Outbox.Add(OutboxMessage.ForEmail(email, ticket.InstanceId, services.Time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
    }

    /// <summary>Its assignee, else its group's agents, leaving out the author.</summary>
    private static Task<List<string>> WorkingItAsync(ItsmDbContext db, TicketRecord ticket, string author, CancellationToken cancellationToken) =>
        ToAsync(db, ticket.Assignee, ticket.Assignee is null ? ticket.AssignmentGroup : null, author, cancellationToken);

    private static async Task<List<string>> ToAsync(ItsmDbContext db, string? person, string? group, string author, CancellationToken cancellationToken) =>
        person is null && group is null ? [] : (await AssignmentRecipients.FindAsync(db, person, group, except: author, cancellationToken)).To;

    private static async Task<EmailMessage?> ComposeAsync(ItsmDbContext db, string template, string actionLabel, TicketRecord ticket, List<string> to, string author, string? note, bool canReopen,
        WorkflowServices services, CancellationToken cancellationToken, JsonObject? extra = null)
    {
        if (to.Count == 0) return null;
        var by = await DisplayNames.OfAsync(db, [author], cancellationToken);
        var model = new JsonObject
        {
            ["number"] = ticket.Number,
            ["title"] = ticket.Title,
            ["by"] = by.Shown(author),
            ["note"] = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
            ["resolved"] = ticket.Status == TicketStatuses.Resolved,
            ["canReopen"] = canReopen,
            ["queued"] = ticket.Assignee is null, // an answer to a hold before anyone took it sends it back to the group
        };
        foreach (var (key, value) in extra ?? []) model[key] = value?.DeepClone();
        var (subject, html, text) = NotificationTemplates.Render(NotificationTemplates.Find(template)!, model, services.TicketUrl?.Invoke(ticket.Number), actionLabel);
        return new EmailMessage { Id = services.NewId(), To = to, Subject = subject, HtmlBody = html, TextBody = text };
    }
}
