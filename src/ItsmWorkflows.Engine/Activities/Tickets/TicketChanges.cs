using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Activities.Tickets;

/// <summary>The record changes the ticket activities ask the host for, and how they name their ticket.</summary>
public static class TicketChanges
{
    public const string Update = "ticket.update";
    public const string OpenTask = "task.open";
    public const string CloseTask = "task.close";
    public const string CancelTask = "task.cancel";

    public static InputDescriptor TicketInput { get; } = new("ticket", "String", "singleline")
    {
        DisplayName = "Ticket",
        Description = "The ticket number (REQ…, CHG…, INC…); empty means the workflow's correlation id, which the ticket that started it sets.",
    };

    /// <summary>The ticket named by the "ticket" input, or the instance's correlation id.</summary>
    public static string? Ticket(ActivityContext context) =>
        context.GetString("ticket") is { Length: > 0 } named ? named.Trim() : context.Instance.CorrelationId;

    /// <summary>
    /// The ticket now (status, who has it): the record as last committed, with what this burst has already set on it (a
    /// Set Status just before hands it over in the same commit). Null when the ticket is unknown and nothing set it.
    /// </summary>
    public static async ValueTask<TicketNow?> CurrentAsync(ActivityContext context, string number, CancellationToken cancellationToken)
    {
        var current = await context.Services.Tickets.FindAsync(number, cancellationToken);
        return Apply(current, number, context.Instance.RecordChanges);
    }

    /// <summary>The ticket after these record changes (Set Status's updates to it, in order); null when neither says anything of it.</summary>
    public static TicketNow? Apply(TicketNow? current, string number, IEnumerable<RecordChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var change in changes)
        {
            if (change.Kind != Update || !string.Equals(change.Payload["ticket"]?.GetValue<string>(), number, StringComparison.OrdinalIgnoreCase)) continue;
            current ??= new TicketNow(number, null, null, null);
            if (change.Payload["status"]?.GetValue<string>() is { } status) current = current with { Status = status };
            // As the host applies it (TicketRecordWriter): a new group takes the ticket from its assignee unless one is named with it.
            var assignee = change.Payload["assignee"]?.GetValue<string>();
            if (change.Payload["assignmentGroup"]?.GetValue<string>() is { } group && !string.Equals(group, current.Group, StringComparison.Ordinal))
            {
                current = current with { Group = group, Assignee = assignee, AssigneeName = null };
            }
            else if (assignee is not null) current = current with { Assignee = assignee, AssigneeName = null };
        }
        return current;
    }

    public static void Add(ActivityContext context, string kind, JsonObject payload)
    {
        payload["instanceId"] = context.Instance.InstanceId;
        // A child workflow may change its parent's ticket, and a grandchild its root's: the host only applies changes to the tickets of these instances.
        payload["parentInstanceId"] = context.Instance.Properties.GetValueOrDefault("ParentInstanceId")?.DeepClone();
        payload["ancestorInstanceIds"] = context.Instance.Properties.GetValueOrDefault(Runtime.WorkflowRuntime.AncestorsProperty)?.DeepClone();
        payload["activityId"] = context.ActivityId;
        payload["at"] = context.Now.UtcDateTime.ToString("O");
        context.Instance.RecordChanges.Add(new RecordChange(kind, payload));
    }
}
