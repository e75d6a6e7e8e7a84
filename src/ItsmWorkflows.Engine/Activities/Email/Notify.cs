using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Activities.Email;

/// <summary>
/// Sends a shipped notification (see <see cref="NotificationTemplates"/>) to people resolved through the
/// directory, as an email committed with the burst. It goes on once the message is queued, unless told to wait
/// for the delivery report as Send Email does: a notification that cannot be delivered should not hold up a process.
/// </summary>
public abstract class Notify : IActivity
{
    public abstract ActivityDescriptor Descriptor { get; }

    /// <summary>Who to resolve: a user name or address (the requester), or "group:name"; or why there is nobody.</summary>
    protected abstract ValueTask<(string? Who, string? Missing)> RecipientsAsync(ActivityContext context, CancellationToken cancellationToken);

    protected static IReadOnlyList<InputDescriptor> CommonInputs(InputDescriptor recipient) =>
    [
        recipient,
        new InputDescriptor("template", "String", "dropdown") { IsRequired = true, OnlyOptions = true, Options = [.. NotificationTemplates.All.Select(t => t.Name)], Description = "Which notification." },
        new InputDescriptor("model", "Object", "json-editor") { Description = "What the template shows: number, item, title, priority... and 'details' as a table of facts." },
        new InputDescriptor("actionUrl", "String", "singleline") { DisplayName = "Action URL", Description = "Where the button leads; empty: the page of the ticket the model names (model.number)." },
        new InputDescriptor("actionLabel", "String", "singleline") { DisplayName = "Action label", Description = "The button's text; each template has its own default." },
        SendEmail.WaitForDeliveryInput,
    ];

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var templateName = context.GetString("template") ?? "";
        var template = NotificationTemplates.Find(templateName);
        if (template is null) return ActivityResult.Fault($"There is no notification template '{templateName}'; use one of: {string.Join(", ", NotificationTemplates.All.Select(t => t.Name))}.");
        var (who, missing) = await RecipientsAsync(context, cancellationToken);
        if (string.IsNullOrWhiteSpace(who)) return ActivityResult.Fault(missing ?? $"{Descriptor.DisplayName} names nobody to notify.");
        var people = await context.Services.Approvers.ResolveAsync([who], cancellationToken);
        var (to, invalid) = EmailMessage.ParseAddresses(Addressed(people));
        if (invalid is not null) return ActivityResult.Fault($"'{invalid}' is not a valid email address.", "InvalidAddress");
        if (to.Count == 0) return ActivityResult.Fault($"Nobody to notify: {who} has no email address.", "NoRecipient");
        var model = context.Get("model") as JsonObject;
        var (subject, html, text) = NotificationTemplates.Render(template, context, model, NotificationTemplates.ActionUrl(context, model, context.GetString("actionUrl")), context.GetString("actionLabel"));
        var message = new EmailMessage { Id = context.NewId(), To = to, Subject = subject, HtmlBody = html, TextBody = text };
        return SendEmail.QueueNotification(context, message);
    }

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken) => SendEmail.OnDelivery(context, stimulus);

    /// <summary>People with an address, addressed by name as well ("Nina Network &lt;nina@…&gt;"): mail clients show who it is for.</summary>
    internal static List<string> Addressed(IEnumerable<Approvals.ApproverInfo> people) =>
        [.. people.Where(p => !string.IsNullOrWhiteSpace(p.Email)).Select(p => p.DisplayName != p.Email ? $"{p.DisplayName} <{p.Email}>" : p.Email!).Distinct()];
}

/// <summary>Tells the requester what happened, with a shipped template.</summary>
public sealed class NotifyRequester : Notify
{
    public override ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Itsm.NotifyRequester",
        Category = "ITSM",
        DisplayName = "Notify Requester",
        Description = "Emails the requester a notification (received, approved, rejected, fulfilled...).",
        Inputs = CommonInputs(new InputDescriptor("requester", "String", "singleline") { IsRequired = true, Description = "User name or email address of the requester." }),
        IsBlocking = true,
    };

    protected override ValueTask<(string? Who, string? Missing)> RecipientsAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<(string?, string?)>((context.GetString("requester"), "Notify Requester names no requester."));
}

/// <summary>Tells every member of a group (assignment, escalation, SLA warnings), with a shipped template.</summary>
public sealed class NotifyGroup : Notify
{
    public override ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Itsm.NotifyGroup",
        Category = "ITSM",
        DisplayName = "Notify Group",
        Description = "Emails every member of a group a notification (task assigned, escalation, SLA warning...).",
        Inputs = CommonInputs(new InputDescriptor("group", "String", "singleline")
        {
            Description = "The group's name, such as Service Desk. Empty: the group the ticket is assigned to when this runs (an agent may have handed it on since it was raised).",
        }),
        IsBlocking = true,
    };

    protected override async ValueTask<(string? Who, string? Missing)> RecipientsAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (context.GetString("group") is { Length: > 0 } named && !string.IsNullOrWhiteSpace(named)) return ("group:" + named.Trim(), null);
        var ticket = Tickets.TicketChanges.Ticket(context);
        if (string.IsNullOrWhiteSpace(ticket)) return (null, "Notify Group names no group, and the workflow serves no ticket whose group it could use.");
        var current = await Tickets.TicketChanges.CurrentAsync(context, ticket, cancellationToken);
        if (current is null) return (null, $"Notify Group names no group, and there is no ticket {ticket} to take one from.");
        return current.Group is { Length: > 0 } group ? ("group:" + group, null) : (null, $"Notify Group names no group, and {ticket} is assigned to none.");
    }
}
