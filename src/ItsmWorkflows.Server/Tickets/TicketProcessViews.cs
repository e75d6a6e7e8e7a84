using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Calendars;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>How tickets' workflows stand, for people: the current step and SLA state of a page of tickets, and a ticket's process as a diagram.</summary>
internal sealed class TicketProcessViews(ItsmDbContext db, IBusinessCalendarProvider calendars, WorkflowServices services, IWorkflowDefinitionProvider definitions)
{
    /// <summary>The names the process owner gave the activities of the version an instance runs, by activity id.</summary>
    public static async Task<Dictionary<string, string>> ActivityNamesAsync(IWorkflowDefinitionProvider definitions, WorkflowState state, CancellationToken cancellationToken)
    {
        var definition = await definitions.FindAsync(state.DefinitionId, state.DefinitionVersionId, cancellationToken);
        return definition?.AllActivities().Where(a => a.Name is not null).ToDictionary(a => a.Id, a => a.Name!, StringComparer.Ordinal) ?? [];
    }

    /// <summary>
    /// For a page of tickets: the steps each one's workflow waits on (named as the process owner named them; SLA
    /// thresholds left out, the clocks say that) and the state of its SLA clocks taken together: breached if any
    /// breached, else paused, running, or met once all stopped in time (cancelled when every clock was called off).
    /// </summary>
    public async Task<Dictionary<string, TicketProgressDto>> ProgressAsync(IReadOnlyList<TicketRecord> tickets, CancellationToken cancellationToken)
    {
        var ids = tickets.Where(t => t.InstanceId is not null).Select(t => t.InstanceId!).Distinct(StringComparer.Ordinal).ToList();
        var states = await db.Instances.AsNoTracking().Where(i => ids.Contains(i.Id)).Select(i => new { i.Id, i.State }).ToDictionaryAsync(i => i.Id, i => i.State, cancellationToken);
        var now = services.Time.GetUtcNow();
        var result = new Dictionary<string, TicketProgressDto>(StringComparer.Ordinal);
        // A page shares a few versions and calendars: each is looked up once.
        var namesByVersion = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var calendarsByName = new Dictionary<string, BusinessCalendar>(StringComparer.OrdinalIgnoreCase);
        foreach (var ticket in tickets)
        {
            if (ticket.InstanceId is null || !states.TryGetValue(ticket.InstanceId, out var json)) continue;
            var state = WorkflowStateJson.Deserialize(json);
            if (!namesByVersion.TryGetValue(state.DefinitionVersionId, out var names))
            {
                names = await ActivityNamesAsync(definitions, state, cancellationToken);
                namesByVersion[state.DefinitionVersionId] = names;
            }
            var steps = state.Bookmarks.Where(b => b.Name != ItsmWorkflows.Engine.Activities.Sla.WaitForSlaThreshold.TypeName)
                .Select(b => names.GetValueOrDefault(b.ActivityId) ?? b.ActivityId).Distinct(StringComparer.Ordinal).ToList();
            string? sla = null;
            if (state.Properties.GetValueOrDefault("sla") is JsonObject clocks && clocks.Count > 0)
            {
                var clockStates = new List<string>();
                foreach (var (_, node) in clocks)
                {
                    if (node is null) continue;
                    var clock = SlaClock.FromJson(node).SettledBy(state.SubStatus, state.FinishedAt);
                    if (!calendarsByName.TryGetValue(clock.Calendar, out var calendar))
                    {
                        calendar = await calendars.FindAsync(clock.Calendar, cancellationToken) ?? BusinessCalendar.AlwaysOpen;
                        calendarsByName[clock.Calendar] = calendar;
                    }
                    clockStates.Add(clock.State(calendar, now));
                }
                sla = clockStates.Contains("breached") ? "breached" : clockStates.Contains("paused") ? "paused" : clockStates.Contains("running") ? "running"
                    : clockStates.Contains("met") ? "met" : clockStates.Count > 0 ? "cancelled" : null;
            }
            result[ticket.Number] = new TicketProgressDto(steps, sla);
        }
        return result;
    }

    /// <summary>
    /// The ticket's workflow as a diagram for anyone who may see the ticket (the caller checks): the activities (id, type, the
    /// name the process owner gave, position, the case labels that are its ports) and connections of the
    /// version it runs on, where it has been and where it waits. Inputs, scripts and variables stay out: how a
    /// step is configured is the process owner's business, not the requester's.
    /// </summary>
    public async Task<JsonObject> ProcessAsync(TicketRecord ticket, CancellationToken cancellationToken)
    {
        var instanceId = ticket.InstanceId ?? throw ProblemException.NotFound($"Ticket {ticket.Number} is not run by a workflow.");
        var (stateJson, journal) = await Instances.InstanceJournal.ReadWithStateAsync(db, instanceId, cancellationToken)
            ?? throw ProblemException.NotFound($"The workflow of ticket {ticket.Number} no longer exists.");
        var state = WorkflowStateJson.Deserialize(stateJson);
        var version = await db.Definitions.AsNoTracking().Where(d => d.Id == state.DefinitionVersionId).Select(d => new { d.Json, d.Name, d.Version }).FirstOrDefaultAsync(cancellationToken)
            ?? throw ProblemException.NotFound($"The workflow version of ticket {ticket.Number} no longer exists.");
        var root = JsonNode.Parse(version.Json)?["root"] as JsonObject;
        var flowchart = new JsonObject { ["type"] = root?["type"]?.GetValue<string>() ?? "", ["id"] = root?["id"]?.DeepClone() };
        // The diagram shows the flowchart's own activities: one nested in a container (a fork's branch, a sequence)
        // is shown as the container it sits in, where it waits, faulted or ran.
        var shownAs = new Dictionary<string, string>(StringComparer.Ordinal);
        var definition = await definitions.FindAsync(state.DefinitionId, state.DefinitionVersionId, cancellationToken);
        foreach (var top in definition?.Root.Children() ?? [])
        {
            foreach (var node in top.SelfAndDescendants()) shownAs.TryAdd(node.Id, top.Id);
        }
        string Shown(string activityId) => shownAs.GetValueOrDefault(activityId) ?? activityId;
        if (root?["type"]?.GetValue<string>() == "Elsa.Flowchart")
        {
            flowchart["activities"] = new JsonArray([.. (root["activities"] as JsonArray ?? []).OfType<JsonObject>().Select(a => (JsonNode?)DiagramActivity(a))]);
            // Connections as ends and ports only: whatever else a definition keeps on them stays with the process owner.
            flowchart["connections"] = new JsonArray([.. (root["connections"] as JsonArray ?? []).OfType<JsonObject>().Select(c => (JsonNode?)new JsonObject
            {
                ["source"] = End(c["source"], c["sourcePort"]),
                ["target"] = End(c["target"], c["targetPort"]),
            })]);
        }
        return new JsonObject
        {
            ["name"] = version.Name,
            ["version"] = version.Version,
            ["status"] = state.SubStatus.ToString(),
            ["definition"] = new JsonObject { ["root"] = flowchart },
            ["journal"] = new JsonArray([.. journal.Select(j => (JsonNode?)new JsonObject
            {
                ["sequence"] = j.Sequence, ["at"] = j.At.ToString("O"), ["activityId"] = Shown(j.ActivityId), ["event"] = j.Event.ToString(),
                ["outcomes"] = j.Outcomes is null ? null : new JsonArray([.. j.Outcomes.Select(o => (JsonNode?)o)]),
            })]),
            ["waiting"] = new JsonArray([.. state.Bookmarks.Select(b => Shown(b.ActivityId)).Distinct(StringComparer.Ordinal).Select(id => (JsonNode?)id)]),
            ["faulted"] = new JsonArray([.. state.Incidents.Where(i => i.ResolvedAt is null).Select(i => Shown(i.ActivityId)).Distinct(StringComparer.Ordinal).Select(id => (JsonNode?)id)]),
        };
    }

    /// <summary>A connection end in the current form, from either form: {activity, port} or "activityId" with a separate port.</summary>
    private static JsonObject End(JsonNode? end, JsonNode? separatePort) => end is JsonObject o
        ? new JsonObject { ["activity"] = o["activity"]?.DeepClone(), ["port"] = o["port"]?.DeepClone() }
        : new JsonObject { ["activity"] = end?.DeepClone(), ["port"] = separatePort?.DeepClone() };

    private static JsonObject DiagramActivity(JsonObject activity)
    {
        var shown = new JsonObject
        {
            ["id"] = activity["id"]?.DeepClone(),
            ["type"] = activity["type"]?.DeepClone(),
            ["name"] = activity["name"]?.DeepClone(),
        };
        if (activity["metadata"]?["designer"]?["position"] is JsonNode position) shown["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = position.DeepClone() } };
        // A switch's ports are its cases' labels; their conditions are not shown.
        if (activity["cases"] is JsonArray cases) shown["cases"] = new JsonArray([.. cases.Select(c => (JsonNode?)new JsonObject { ["label"] = c?["label"]?.DeepClone() })]);
        return shown;
    }
}
