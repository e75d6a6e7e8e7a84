using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Engine.Activities.Tickets;

namespace ItsmWorkflows.Engine.Activities.Email;

/// <summary>
/// Escalates work. Functional: hands it to the next group of a tier list (first line → second line →
/// third line) and notifies that group. Hierarchical: notifies the manager chain of a person, up to a
/// number of levels. Outcome "Done" once the notification is queued (or delivered, when told to wait), or "NoFurtherTier" when there
/// is nobody further to escalate to (nothing is sent). Output "escalatedTo": the group or the managers.
/// </summary>
public sealed class Escalate : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Itsm.Escalate",
        Category = "ITSM",
        DisplayName = "Escalate",
        Description = "Hands work to the next support tier (functional) or notifies the manager chain (hierarchical).",
        Inputs =
        [
            new InputDescriptor("mode", "String", "dropdown") { OnlyOptions = true, Options = ["Functional", "Hierarchical"], DefaultValue = "Functional" },
            new InputDescriptor("tiers", "String[]", "multi-text") { Description = "Functional: the support groups in order, such as Service Desk, Network, Network Engineering." },
            new InputDescriptor("currentGroup", "String", "singleline") { Description = "Functional: the group that has the work now. Empty: the ticket's assignment group when this runs." },
            new InputDescriptor("person", "String", "singleline") { Description = "Hierarchical: whose managers to notify (the assignee, or the requester). Empty: the ticket's assignee when this runs." },
            new InputDescriptor("personWhenUnassigned", "String", "singleline")
            {
                DisplayName = "Person when unassigned",
                Description = "Hierarchical, with Person empty: whose managers to notify when nobody has the ticket (such as the service's owner).",
            },
            new InputDescriptor("levels", "Int32", "singleline") { DefaultValue = 1, Description = "Hierarchical: how many levels of managers." },
            new InputDescriptor("template", "String", "dropdown") { OnlyOptions = true, Options = [.. NotificationTemplates.All.Select(t => t.Name)], DefaultValue = "incident-escalated" },
            new InputDescriptor("model", "Object", "json-editor") { Description = "What the notification shows (number, priority, reason, details...)." },
            new InputDescriptor("actionUrl", "String", "singleline") { DisplayName = "Action URL", Description = "Where the button leads; empty: the page of the ticket the model names (model.number)." },
            SendEmail.WaitForDeliveryInput,
        ],
        Outputs =
        [
            new OutputDescriptor("escalatedTo", "Object") { Description = "The next group (functional) or the managers' user names (hierarchical)." },
            new OutputDescriptor("tier", "Int32") { Description = "Functional: the position of the new group in the tier list (1 = first)." },
        ],
        Outcomes = ["Done", "NoFurtherTier"],
        IsBlocking = true,
    };

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var templateName = context.GetString("template") is { Length: > 0 } t ? t : "incident-escalated";
        var template = NotificationTemplates.Find(templateName);
        if (template is null) return ActivityResult.Fault($"There is no notification template '{templateName}'.");
        var hierarchical = string.Equals(context.GetString("mode"), "Hierarchical", StringComparison.OrdinalIgnoreCase);
        IReadOnlyList<ApproverInfo> recipients;
        string? nextGroup = null;
        if (hierarchical)
        {
            var person = context.GetString("person");
            if (string.IsNullOrWhiteSpace(person) && TicketChanges.Ticket(context) is { Length: > 0 } ticket)
            {
                person = (await TicketChanges.CurrentAsync(context, ticket, cancellationToken))?.Assignee;
                if (string.IsNullOrWhiteSpace(person)) person = context.GetString("personWhenUnassigned");
            }
            if (string.IsNullOrWhiteSpace(person)) return ActivityResult.Fault("Escalate (hierarchical) names no person whose managers to notify, and the ticket has no assignee (give one, or a person when unassigned).");
            var levels = context.HasInput("levels") ? (int)context.GetLong("levels") : 1;
            var chain = new List<ApproverInfo>();
            var current = person;
            for (var level = 0; level < Math.Clamp(levels, 1, 10); level++)
            {
                var resolved = await context.Services.Approvers.ResolveAsync([current], cancellationToken);
                if (resolved.Count == 0 || resolved[0].Manager is not { } manager || chain.Any(m => m.UserName == manager.UserName)) break;
                chain.Add(manager);
                current = manager.UserName;
            }
            context.SetOutput("escalatedTo", new JsonArray([.. chain.Select(m => (JsonNode?)JsonValue.Create(m.UserName))]));
            recipients = chain;
        }
        else
        {
            var tiers = context.GetStringList("tiers");
            if (tiers.Count == 0) return ActivityResult.Fault("Escalate (functional) needs the tiers: the support groups in order.");
            var currentGroup = context.GetString("currentGroup");
            if (string.IsNullOrWhiteSpace(currentGroup) && TicketChanges.Ticket(context) is { Length: > 0 } ticket)
            {
                currentGroup = (await TicketChanges.CurrentAsync(context, ticket, cancellationToken))?.Group;
            }
            var index = tiers.ToList().FindIndex(g => string.Equals(g, currentGroup?.Trim(), StringComparison.OrdinalIgnoreCase));
            // A group outside the tiers (an agent moved it elsewhere) is not escalated back to the first tier: nobody further.
            if (index + 1 >= tiers.Count || (index < 0 && !string.IsNullOrWhiteSpace(currentGroup)))
            {
                context.SetOutput("escalatedTo", null);
                return ActivityResult.Outcome("NoFurtherTier");
            }
            var next = nextGroup = tiers[index + 1];
            context.SetOutput("escalatedTo", next);
            context.SetOutput("tier", index + 2);
            recipients = await context.Services.Approvers.ResolveAsync(["group:" + next], cancellationToken);
        }
        var (to, invalid) = EmailMessage.ParseAddresses(Notify.Addressed(recipients));
        if (invalid is not null) return ActivityResult.Fault($"'{invalid}' is not a valid email address.", "InvalidAddress");
        if (to.Count == 0)
        {
            if (hierarchical) return ActivityResult.Outcome("NoFurtherTier");
            return ActivityResult.Fault("Escalate: nobody in the next group has an email address.", "NoRecipient");
        }
        var model = context.Get("model") as JsonObject;
        if (!hierarchical && model is not null && model["group"] is null)
        {
            // The template names the group it went to; the model need not work out the next tier itself.
            model = (JsonObject)model.DeepClone();
            model["group"] = nextGroup;
        }
        var (subject, html, text) = NotificationTemplates.Render(template, context, model, NotificationTemplates.ActionUrl(context, model, context.GetString("actionUrl")), null);
        return SendEmail.QueueNotification(context, new EmailMessage { Id = context.NewId(), To = to, Subject = subject, HtmlBody = html, TextBody = text });
    }

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken) => SendEmail.OnDelivery(context, stimulus);
}
