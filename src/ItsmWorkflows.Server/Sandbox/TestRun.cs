using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Engine.Activities.Sla;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Planning;
using ItsmWorkflows.Engine.Runtime;

namespace ItsmWorkflows.Server.Sandbox;

/// <summary>
/// One test run of a draft: its own runtime over in-memory stores and a manual clock, so nothing it does
/// reaches the database, the mail server or another instance. Emails are kept (and reported delivered so
/// the process moves on); approvals, tasks and events are answered through the API; timers fire when the
/// clock is moved past them.
/// </summary>
internal sealed class TestRun
{
    private readonly InMemoryWorkflowInstanceStore _instances = new();
    private readonly InMemoryWorkflowScheduler _scheduler = new();
    private readonly List<string> _lines = [];
    private readonly List<JsonObject> _emails = [];
    private int _outboxSeen;
    private int _recordChangesSeen;

    public TestRun(string id, string owner, WorkflowDefinition definition, WorkflowServices host, ActivityRegistry registry, DateTimeOffset start)
    {
        Id = id;
        Owner = owner;
        Clock = new ManualClock(start);
        var definitions = new InMemoryWorkflowDefinitionStore();
        definitions.Add(definition, publish: true);
        DefinitionId = definition.DefinitionId;
        var services = new WorkflowServices
        {
            Time = Clock,
            Lines = new ListLineWriter(_lines),
            Approvers = host.Approvers,
            Calendars = host.Calendars,
            ChangeSchedule = host.ChangeSchedule,
            // The run's own ticket, not a real one of the same number: what its input said, with what the run set on it.
            Tickets = new RunTickets(this),
            IncidentIntake = host.IncidentIntake,
            TimeZone = host.TimeZone,
            TicketUrl = host.TicketUrl,
            Http = null, // no calls to other systems from a test run; Send HTTP Request says so
        };
        Runtime = new WorkflowRuntime(definitions, _instances, new PlanCache(registry), services, _scheduler);
    }

    public string Id { get; }

    public string Owner { get; }

    public string DefinitionId { get; }

    public string? InstanceId { get; private set; }

    public ManualClock Clock { get; }

    public WorkflowRuntime Runtime { get; }

    public DateTimeOffset LastUsed { get; private set; } = DateTimeOffset.UtcNow;

    /// <summary>One operation at a time per run: the in-memory stores are not meant for racing requests.</summary>
    public SemaphoreSlim Lock { get; } = new(1, 1);

    private JsonObject? _inputTicket;
    private string? _correlationId;

    public async Task StartAsync(JsonObject? input, string? correlationId, CancellationToken cancellationToken)
    {
        _inputTicket = input?["ticket"] as JsonObject;
        _correlationId = correlationId;
        var result = await Runtime.StartAsync(DefinitionId, new StartOptions
        {
            Input = input?.ToDictionary(p => p.Key, p => p.Value?.DeepClone()),
            CorrelationId = correlationId,
        }, cancellationToken);
        InstanceId = result.State.InstanceId;
        await SettleAsync(cancellationToken);
    }

    /// <summary>Moves the clock and fires what fell due, as the timer jobs would.</summary>
    public async Task AdvanceAsync(TimeSpan by, CancellationToken cancellationToken)
    {
        Clock.Advance(by);
        for (var round = 0; round < 20 && (await Runtime.FireDueTimersAsync(cancellationToken)).Count > 0; round++) await SettleAsync(cancellationToken);
        await SettleAsync(cancellationToken);
    }

    /// <summary>Answers one wait; false when nothing waits on that bookmark any more. A bad answer throws and changes nothing.</summary>
    public async Task<bool> ResumeAsync(string bookmarkId, JsonNode? payload, CancellationToken cancellationToken)
    {
        var state = InstanceId is null ? null : (await _instances.FindAsync(InstanceId, cancellationToken))?.State;
        var bookmark = state?.Bookmarks.FirstOrDefault(b => b.Id == bookmarkId);
        if (state is null || bookmark is null) return false;
        TestRunAnswers.Check(state, bookmark, payload);
        try
        {
            await Runtime.ResumeAsync(InstanceId!, bookmarkId, payload, cancellationToken);
        }
        catch (BookmarkNotFoundException)
        {
            return false;
        }
        await SettleAsync(cancellationToken);
        return true;
    }

    private int _testIncidents;

    /// <summary>Keeps the emails the run sent and reports them delivered (and incidents it would raise, as raised); runs dispatched children's work.</summary>
    private async Task SettleAsync(CancellationToken cancellationToken)
    {
        LastUsed = DateTimeOffset.UtcNow;
        for (var round = 0; round < 50; round++)
        {
            KeepTaskEmails();
            var outbox = _instances.Outbox;
            if (_outboxSeen >= outbox.Count && _scheduler.Dispatches.IsEmpty) return;
            var fresh = outbox.Skip(_outboxSeen).ToList();
            _outboxSeen = outbox.Count;
            foreach (var message in fresh)
            {
                var kept = (JsonObject)message.Payload.DeepClone();
                kept["kind"] = message.Kind;
                kept["at"] = Clock.GetUtcNow().ToString("O");
                _emails.Add(kept);
                JsonObject? report = null;
                if (message.Kind == EmailMessage.OutboxKind) report = new JsonObject { ["delivered"] = true, ["messageId"] = message.Id, ["reply"] = "250 kept by the test run, not sent" };
                if (message.Kind == Engine.Activities.Tickets.RaiseIncident.OutboxKind)
                {
                    // Nothing is raised for real: the step goes on with a number that says so, and the request is shown with the emails.
                    report = new JsonObject { ["raised"] = true, ["number"] = $"INC-TEST-{++_testIncidents}", ["created"] = true };
                }
                if (report is not null && message.BookmarkId is { } bookmarkId)
                {
                    try
                    {
                        await Runtime.ResumeAsync(message.InstanceId, bookmarkId, report, cancellationToken);
                    }
                    catch (BookmarkNotFoundException)
                    {
                        // The step that sent it was cancelled meanwhile: nothing waits for the report.
                    }
                }
            }
            await Runtime.RunBackgroundWorkAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The email the server itself writes when a task opens with "notify" (template task-assigned), as it would read
    /// before the task has a number, addressed to the assignee or the group; kept like the workflow's own.
    /// </summary>
    private void KeepTaskEmails()
    {
        var changes = _instances.RecordChanges;
        foreach (var change in changes.Skip(_recordChangesSeen))
        {
            var p = change.Payload;
            if (change.Kind != Engine.Activities.Tickets.TicketChanges.OpenTask || p["notify"] is not JsonValue notify || !notify.TryGetValue<bool>(out var wanted) || !wanted) continue;
            var assignee = p["assignee"]?.ToString();
            var group = p["assignmentGroup"]?.ToString();
            var model = new JsonObject
            {
                ["number"] = p["parent"]?.ToString() ?? "the ticket",
                ["title"] = p["title"]?.ToString() ?? "Task",
                ["group"] = group ?? assignee,
                ["assignee"] = assignee,
            };
            var (subject, _, text) = NotificationTemplates.Render(NotificationTemplates.Find("task-assigned")!, model, null, null);
            _emails.Add(new JsonObject
            {
                ["kind"] = "task-assigned",
                ["subject"] = subject,
                ["to"] = new JsonArray(assignee ?? $"the members of {group}"),
                ["text"] = text,
                ["note"] = "Written by the server as the task opens, with the task's number; kept by the test run, not sent.",
                ["at"] = Clock.GetUtcNow().ToString("O"),
            });
        }
        _recordChangesSeen = changes.Count;
    }

    /// <summary>When the run's earliest timer falls due; null when nothing waits on one.</summary>
    public async Task<DateTimeOffset?> NextDueAtAsync(CancellationToken cancellationToken)
    {
        var found = InstanceId is null ? null : await _instances.FindAsync(InstanceId, cancellationToken);
        return found?.State.Bookmarks.Min(b => b.DueAt);
    }

    public async Task<JsonObject> ViewAsync(CancellationToken cancellationToken)
    {
        var found = InstanceId is null ? null : await _instances.FindAsync(InstanceId, cancellationToken);
        var state = found?.State;
        return new JsonObject
        {
            ["id"] = Id,
            ["definitionId"] = DefinitionId,
            ["now"] = Clock.GetUtcNow().ToString("O"),
            ["status"] = state?.SubStatus.ToString(),
            ["instance"] = state is null ? null : JsonNode.Parse(WorkflowStateJson.Serialize(state)),
            ["waits"] = new JsonArray([.. Listed(state?.Bookmarks ?? []).Select(b => (JsonNode?)Wait(state!, b))]),
            ["emails"] = new JsonArray([.. _emails.Select(e => (JsonNode?)e.DeepClone())]),
            ["recordChanges"] = new JsonArray([.. _instances.RecordChanges.Select(c => (JsonNode?)new JsonObject { ["kind"] = c.Kind, ["payload"] = c.Payload.DeepClone() })]),
            ["lines"] = new JsonArray([.. _lines.Select(l => (JsonNode?)l)]),
        };
    }

    /// <summary>
    /// The bookmarks shown as waits. A Wait for SLA threshold holds two (the clock changing, the instant it reaches the
    /// threshold) for one wait, answered by neither: its timer's stands for it, with its due time; while the clock is
    /// paused only the other is left, and shows. An approval's decision and its timeout stay apart: the panel answers one.
    /// </summary>
    private static IEnumerable<Bookmark> Listed(IReadOnlyCollection<Bookmark> bookmarks) =>
        bookmarks.Where(b => b.Name != WaitForSlaThreshold.TypeName || b.DueAt is not null
            || !bookmarks.Any(other => other.FrameId == b.FrameId && other.Name == b.Name && other.DueAt is not null));

    /// <summary>A bookmark as the panel offers it: what answers it (an approval's open approvers, a task's title, an event's name, a timer's due time).</summary>
    private static JsonObject Wait(WorkflowState state, Bookmark b)
    {
        var wait = new JsonObject { ["bookmarkId"] = b.Id, ["activityId"] = b.ActivityId, ["type"] = b.Name, ["dueAt"] = b.DueAt?.ToString("O"), ["payload"] = b.Payload?.DeepClone() };
        if (b.Name == Engine.Activities.Approvals.RequestApproval.TypeName && state.Frames.TryGetValue(b.FrameId, out var frame) && frame.State is JsonFrameState approval
            && approval.Data["slots"] is JsonArray slots)
        {
            wait["pendingApprovers"] = new JsonArray([.. slots.Where(s => s?["decision"] is null).Select(s => (JsonNode?)s?["approver"]?["userName"]?.DeepClone())]);
        }
        return wait;
    }

    private sealed class ListLineWriter(List<string> lines) : ILineWriter
    {
        public void WriteLine(WorkflowState instance, string activityId, string text) => lines.Add($"{activityId}: {text}");
    }

    /// <summary>
    /// currentTicket() and the "whoever has it now" defaults in a test run: the ticket the run's input describes (its
    /// number, or the correlation id), then every change the run's steps made to it, in order.
    /// </summary>
    private sealed class RunTickets(TestRun run) : Engine.Activities.Tickets.ITicketDirectory
    {
        public ValueTask<Engine.Activities.Tickets.TicketNow?> FindAsync(string number, CancellationToken cancellationToken)
        {
            var input = run._inputTicket;
            var ownNumber = input?["number"]?.GetValue<string>() ?? run._correlationId;
            Engine.Activities.Tickets.TicketNow? ticket = string.Equals(ownNumber, number, StringComparison.OrdinalIgnoreCase)
                ? new(number, input?["status"]?.GetValue<string>(), input?["assignmentGroup"]?.GetValue<string>(), input?["assignee"]?.GetValue<string>())
                : null;
            return ValueTask.FromResult(Engine.Activities.Tickets.TicketChanges.Apply(ticket, number, run._instances.RecordChanges));
        }
    }
}
