using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>
/// Runs bursts of instances of compiled definitions. It holds no instance state: every call takes
/// the state, changes it, and returns what the burst did. Stores, locks and retries belong to the caller.
/// </summary>
public sealed class WorkflowRunner(WorkflowServices services)
{
    public WorkflowServices Services { get; } = services;

    /// <summary>A new instance of the plan's definition, not yet started.</summary>
    public WorkflowState CreateInstance(DefinitionPlan plan, string? instanceId = null, IDictionary<string, JsonNode?>? input = null, string? correlationId = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var now = Services.Time.GetUtcNow();
        var definition = plan.Definition;
        var state = new WorkflowState
        {
            InstanceId = instanceId ?? Services.NewId(),
            DefinitionId = definition.DefinitionId,
            DefinitionVersionId = definition.Id,
            DefinitionVersion = definition.Version,
            CorrelationId = correlationId,
            Name = definition.Name,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (input is not null)
        {
            foreach (var pair in input)
            {
                var declared = definition.Inputs.FirstOrDefault(i => string.Equals(i.Name, pair.Key, StringComparison.OrdinalIgnoreCase));
                state.Input[pair.Key] = declared is null ? pair.Value : Expressions.ValueConverter.Convert(pair.Value, declared.TypeName);
            }
        }
        return state;
    }

    /// <summary>
    /// Runs the first burst. With <paramref name="triggerActivityId"/> the run starts at that trigger
    /// activity, which completes at once with <paramref name="triggerPayload"/> as its output.
    /// </summary>
    public async ValueTask<BurstResult> StartAsync(DefinitionPlan plan, WorkflowState state, string? triggerActivityId = null, JsonNode? triggerPayload = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        if (state.Frames.Count > 0 || state.Status == WorkflowStatus.Finished)
        {
            throw new InvalidOperationException($"Instance {state.InstanceId} has already started.");
        }
        var burst = new Burst(plan, state, Services, cancellationToken)
        {
            TriggerPath = triggerActivityId is null ? null : plan.PathPrefix + triggerActivityId,
            TriggerPayload = triggerPayload,
        };
        state.Status = WorkflowStatus.Running;
        state.SubStatus = WorkflowSubStatus.Executing;
        var root = burst.CreateFrame(plan.Root, null);
        root.IsWorkflowScope = true;
        root.Variables ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var variable in plan.Variables) root.Variables[variable.Name] = variable.InitialValue?.DeepClone();
        if (burst.TriggerPath == plan.Root.Path) root.IsTriggerOfInstance = true;
        await burst.RunAsync();
        return burst.Result;
    }

    /// <summary>Resumes one bookmark with a payload. The bookmark is consumed whatever the activity decides.</summary>
    public async ValueTask<BurstResult> ResumeAsync(DefinitionPlan plan, WorkflowState state, string bookmarkId, JsonNode? payload = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        var bookmark = state.Bookmarks.FirstOrDefault(b => b.Id == bookmarkId)
            ?? throw new BookmarkNotFoundException($"Instance {state.InstanceId} has no bookmark {bookmarkId}: it was resumed already, or the instance moved on.");
        if (state.SubStatus == WorkflowSubStatus.Faulted)
        {
            throw new InstanceFaultedException($"Instance {state.InstanceId} is stopped by an incident; an operator must retry or cancel its incident before it can go on.");
        }
        var burst = new Burst(plan, state, Services, cancellationToken);
        state.Status = WorkflowStatus.Running;
        state.SubStatus = WorkflowSubStatus.Executing;
        await burst.ResumeAsync(bookmark, payload);
        return burst.Result;
    }

    /// <summary>Retries a faulted activity: it executes again, then the rest of the queue runs.</summary>
    public async ValueTask<BurstResult> RetryAsync(DefinitionPlan plan, WorkflowState state, string incidentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        var incident = state.Incidents.FirstOrDefault(i => i.Id == incidentId && i.ResolvedAt is null)
            ?? throw new InvalidOperationException($"Instance {state.InstanceId} has no open incident {incidentId}.");
        var burst = new Burst(plan, state, Services, cancellationToken);
        incident.ResolvedAt = burst.Now;
        if (state.Frames.TryGetValue(incident.FrameId, out var frame) && frame.Status == FrameStatus.Faulted)
        {
            frame.Status = FrameStatus.Scheduled;
            state.Queue.Insert(0, frame.Id);
            burst.Journal(burst.NodeOf(frame), JournalEvent.Retried);
        }
        state.Status = WorkflowStatus.Running;
        state.SubStatus = state.Incidents.Any(i => i.ResolvedAt is null) ? WorkflowSubStatus.Faulted : WorkflowSubStatus.Executing;
        if (state.SubStatus == WorkflowSubStatus.Executing) await burst.RunAsync();
        return burst.Result;
    }

    /// <summary>Cancels a running instance: every frame and bookmark goes, the status becomes Finished/Cancelled.</summary>
    public BurstResult Cancel(DefinitionPlan plan, WorkflowState state)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        var burst = new Burst(plan, state, Services, CancellationToken.None);
        if (state.Status == WorkflowStatus.Finished) return burst.Result;
        foreach (var frame in state.Frames.Values.Where(f => f.ParentId is null).ToList()) burst.CancelFrameTree(frame);
        foreach (var bookmark in state.Bookmarks) burst.Result.RemovedBookmarks.Add(bookmark);
        state.Bookmarks.Clear();
        state.Queue.Clear();
        foreach (var incident in state.Incidents.Where(i => i.ResolvedAt is null)) incident.ResolvedAt = burst.Now;
        // Its SLA clocks stop with it, as called off: nothing would ever stop them, and a cancelled ticket would count as
        // running, then as breached.
        if (state.Properties.GetValueOrDefault("sla") is System.Text.Json.Nodes.JsonObject clocks)
        {
            foreach (var name in clocks.Select(c => c.Key).ToList())
            {
                if (clocks[name] is not { } json) continue;
                var clock = Calendars.SlaClock.FromJson(json);
                clock.Cancel(burst.Now);
                clocks[name] = clock.ToJson();
            }
        }
        state.Status = WorkflowStatus.Finished;
        state.SubStatus = WorkflowSubStatus.Cancelled;
        state.FinishedAt = burst.Now;
        state.UpdatedAt = burst.Now;
        return burst.Result;
    }
}
