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
