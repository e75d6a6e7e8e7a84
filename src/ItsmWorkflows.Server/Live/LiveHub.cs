using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Live;

/// <summary>
/// The hub browsers connect to. A browser asks to watch a ticket; the hub checks the caller may see it (the
/// same rule as the ticket API) and adds the connection to the ticket's group and its workflow instance's.
/// It only ever sends "changed" with the topic: what changed is read through the API, with its checks. A
/// connection whose sign-in ends (signed out, password or roles changed) is closed by <see cref="LiveSessions"/>.
/// </summary>
internal sealed class LiveHub(ItsmDbContext db, IConfiguration configuration, LiveSessions sessions, Engine.Execution.WorkflowServices engine) : Hub
{
    public override Task OnConnectedAsync()
    {
        sessions.Opened(Context);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Closed(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    public const string Path = "/hubs/live";

    /// <summary>How many tickets one connection may watch at once (Live:MaxWatchedTickets): a page watches one, a
    /// dashboard a screenful; without a limit one connection could make the server keep any number of groups.</summary>
    private int MaxWatched => configuration.GetValue("Live:MaxWatchedTickets", 50);

    private HashSet<string> Watched => (HashSet<string>)(Context.Items.TryGetValue("watched", out var set) ? set! : Context.Items["watched"] = new HashSet<string>(StringComparer.Ordinal));

    public async Task<string[]> Watch(string number)
    {
        var user = Context.User ?? throw new HubException("Sign in first.");
        var key = (number ?? "").Trim().ToUpperInvariant();
        if (!Watched.Contains(key) && Watched.Count >= MaxWatched)
        {
            throw new HubException($"This connection already watches {Watched.Count} tickets, the most it may; stop watching one (Unwatch) first.");
        }
        var ticket = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.Number == key, Context.ConnectionAborted);
        // The same answer for a ticket that does not exist and one the caller may not see.
        if (ticket is null || !await Tickets.TicketService.CanReadAsync(db, user, ticket, engine.Time, Context.ConnectionAborted)) throw new HubException($"There is no ticket {key}.");
        string[] topics = ticket.InstanceId is { } instanceId ? ["ticket:" + ticket.Number, "instance:" + instanceId] : ["ticket:" + ticket.Number];
        foreach (var topic in topics) await Groups.AddToGroupAsync(Context.ConnectionId, topic, Context.ConnectionAborted);
        Watched.Add(key);
        return topics;
    }

    public async Task Unwatch(string number)
    {
        var key = (number ?? "").Trim().ToUpperInvariant();
        Watched.Remove(key);
        var instanceId = await db.Tickets.AsNoTracking().Where(t => t.Number == key).Select(t => t.InstanceId).FirstOrDefaultAsync(Context.ConnectionAborted);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, "ticket:" + key, Context.ConnectionAborted);
        if (instanceId is not null) await Groups.RemoveFromGroupAsync(Context.ConnectionId, "instance:" + instanceId, Context.ConnectionAborted);
    }
}
