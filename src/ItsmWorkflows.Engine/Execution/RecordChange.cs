using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>
/// A change to the host's records (a ticket's status, a new fulfilment task) that a burst asked for.
/// The host applies it in the burst's own transaction, so a ticket never shows a step that rolled back
/// and a committed step is never missing from its ticket. <paramref name="Kind"/> names the change
/// ("ticket.update", "task.open", "task.close", "task.cancel").
/// </summary>
public sealed record RecordChange(string Kind, JsonObject Payload);
