using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Activities.Tickets;

/// <summary>
/// Updates the ticket a workflow serves: its status (the name a requester reads), and optionally its
/// assignment group, assignee, risk and a note for its history. The change commits with the step.
/// </summary>
public sealed class SetStatus : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Itsm.SetStatus",
        Category = "ITSM",
        DisplayName = "Set Status",
        Description = "Sets the ticket's status and, optionally, its assignment group, assignee, risk and a history note.",
        Inputs =
        [
            new InputDescriptor("status", "String", "singleline") { DisplayName = "Status", Description = "Such as Awaiting approval, In progress, Scheduled, Resolved. Empty keeps the status." },
            TicketChanges.TicketInput,
            new InputDescriptor("assignmentGroup", "String", "singleline") { DisplayName = "Assignment group", Description = "Hands the ticket to this group; empty keeps the group." },
            new InputDescriptor("assignee", "String", "singleline") { DisplayName = "Assignee", Description = "User name of the person working it; empty keeps the assignee." },
            new InputDescriptor("risk", "String", "dropdown") { Options = ["", "Low", "Moderate", "High"], DisplayName = "Risk", Description = "For changes: the assessed risk." },
            new InputDescriptor("note", "String", "multiline") { DisplayName = "Note", Description = "A line for the ticket's history, such as why the status changed." },
            new InputDescriptor("actor", "String", "singleline") { DisplayName = "Done by", Description = "Who made the change, for the history (the user name an event or task reported); empty means the workflow." },
        ],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var ticket = TicketChanges.Ticket(context);
        if (string.IsNullOrWhiteSpace(ticket))
        {
            return ValueTask.FromResult(ActivityResult.Fault("Set Status names no ticket, and the workflow has no correlation id to stand for it."));
        }
        var payload = new JsonObject { ["ticket"] = ticket };
        var any = false;
        foreach (var name in new[] { "status", "assignmentGroup", "assignee", "risk", "note" })
        {
            if (context.GetString(name) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value))
            {
                payload[name] = value.Trim();
                any = true;
            }
        }
        if (!any) return ValueTask.FromResult(ActivityResult.Fault("Set Status has nothing to set: give a status, group, assignee, risk or note."));
        if (context.GetString("actor") is { Length: > 0 } actor && !string.IsNullOrWhiteSpace(actor)) payload["actor"] = actor.Trim();
        TicketChanges.Add(context, TicketChanges.Update, payload);
        return ValueTask.FromResult(ActivityResult.Done);
    }
}
