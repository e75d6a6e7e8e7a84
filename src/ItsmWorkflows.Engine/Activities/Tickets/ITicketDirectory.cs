using System.Collections.Concurrent;

namespace ItsmWorkflows.Engine.Activities.Tickets;

/// <summary>A ticket as it stands: its status, assignment group and the person working it (user name and display name).</summary>
public sealed record TicketNow(string Number, string? Status, string? Group, string? Assignee, string? AssigneeName = null)
{
    /// <summary>What a script's currentTicket() returns.</summary>
    public System.Text.Json.Nodes.JsonObject ToJson() => new()
    {
        ["number"] = Number, ["status"] = Status, ["assignmentGroup"] = Group, ["assignee"] = Assignee, ["assigneeName"] = AssigneeName ?? Assignee,
    };
}

/// <summary>
/// Port: the tickets as people left them. A workflow's input is the ticket as it was raised; an agent who hands it to
/// another group or person changes the record, not the workflow. Activities that act on "whoever has it now"
/// (a warning to the group, an escalation to the next tier) ask here. The host answers from its ticket records.
/// </summary>
public interface ITicketDirectory
{
    /// <summary>The ticket as last committed, or null when there is no such ticket.</summary>
    ValueTask<TicketNow?> FindAsync(string number, CancellationToken cancellationToken);
}

/// <summary>Tickets held in memory (engine-only runs and tests); empty unless something sets them.</summary>
public sealed class InMemoryTicketDirectory : ITicketDirectory
{
    private readonly ConcurrentDictionary<string, TicketNow> _tickets = new(StringComparer.OrdinalIgnoreCase);

    public void Set(TicketNow ticket) => _tickets[ticket.Number] = ticket;

    public ValueTask<TicketNow?> FindAsync(string number, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_tickets.TryGetValue(number, out var found) ? found : null);
}
