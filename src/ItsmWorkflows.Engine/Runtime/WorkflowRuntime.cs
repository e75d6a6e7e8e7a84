using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Activities.Composition;
using ItsmWorkflows.Engine.Activities.Events;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Execution.Effects;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>
/// Starts and resumes instances over the store ports: load, run one burst, save with optimistic
/// concurrency, then carry out the burst's effects (child workflows, events). Every stimulus is
/// applied exactly once: a resume whose bookmark is gone fails with <see cref="BookmarkNotFoundException"/>.
/// </summary>
public sealed partial class WorkflowRuntime(IWorkflowDefinitionProvider definitions, IWorkflowInstanceStore instances, PlanCache plans, WorkflowServices services, IWorkflowScheduler? scheduler = null)
{
    private const int MaxConcurrencyRetries = 5;
    private const int MaxTransientRetries = 4;

    public WorkflowRuntime(IWorkflowDefinitionProvider definitions, IWorkflowInstanceStore instances, ActivityRegistry registry, WorkflowServices services)
        : this(definitions, instances, new PlanCache(registry), services)
    {
    }

    public IWorkflowScheduler Scheduler { get; } = scheduler ?? new InMemoryWorkflowScheduler();

    /// <summary>
    /// DispatchWorkflow children become outbound work committed with the parent's burst (the host's outbox
    /// starts them), instead of being handed to the scheduler after the commit, where a crash in between lost them.
    /// </summary>
    public bool DispatchThroughOutbox { get; init; }

    private void StageOutbound(BurstResult burst, WorkflowState state)
    {
        if (!DispatchThroughOutbox) return;
        foreach (var effect in burst.Effects)
        {
            if (effect is StartWorkflowEffect { Background: true } dispatch) state.Outbound.Add(DispatchOutbox.ToOutbound(dispatch));
        }
    }

    private readonly WorkflowRunner _runner = new(services);

    public WorkflowRunner Runner => _runner;

    /// <summary>Tasks requested by RunTask activities and not yet reported back.</summary>
    public ConcurrentQueue<RunTaskEffect> RequestedTasks { get; } = new();

    public ValueTask<DefinitionPlan> GetPlanAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default) =>
        plans.GetAsync(definition, definitions, cancellationToken);

    /// <summary>Forgets compiled plans (after a definition version changed in place, which only drafts do).</summary>
    public void ClearPlans() => plans.Clear();

    public async ValueTask<RunResult> StartAsync(string definitionId, StartOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new StartOptions();
        // A known version id with a compiled plan needs no definition lookup at all: versions are immutable once published.
        if (options.VersionId is not { } versionId || !plans.TryGet(versionId, out var plan))
        {
            var definition = await definitions.FindAsync(definitionId, options.VersionId, cancellationToken)
                ?? throw new DefinitionNotFoundException($"No published definition with id '{definitionId}'.");
            plan = await GetPlanAsync(definition, cancellationToken);
        }
        var instanceId = options.InstanceId ?? services.NewId();
        // checkpoint: a failed attempt saved nothing; the next starts over with the same instance id.
        return await CommitAsync(async () =>
        {
            var state = _runner.CreateInstance(plan, instanceId, options.Input, options.CorrelationId);
            state.VersionMustBePublished = options.VersionMustBePublished;
            foreach (var pair in options.Properties) state.Properties[pair.Key] = pair.Value?.DeepClone();
            var burst = await _runner.StartAsync(plan, state, options.TriggerActivityId, options.TriggerPayload, cancellationToken);
            StageOutbound(burst, state);
            await instances.SaveAsync(state, 0, cancellationToken);
            return burst;
        }, retryOnConflict: false, cancellationToken);
    }

    /// <summary>Resumes one bookmark. Retries on a concurrent commit; fails if the bookmark was consumed meanwhile.</summary>
    public ValueTask<RunResult> ResumeAsync(string instanceId, string bookmarkId, JsonNode? payload = null, CancellationToken cancellationToken = default) =>
        // After a concurrent commit the bookmark may be gone: the next attempt then fails cleanly.
        CommitOnStoredAsync(instanceId, (plan, state) => _runner.ResumeAsync(plan, state, bookmarkId, payload, cancellationToken), retryOnConflict: true, cancellationToken);

    /// <summary>
    /// The same, for a caller the host restricts: <paramref name="refuse"/> sees the bookmark as stored and returns why
    /// this caller may not resume it (a <see cref="ResumeRefusedException"/> then, nothing run), or null to go on.
    /// </summary>
    public ValueTask<RunResult> ResumeAsync(string instanceId, string bookmarkId, JsonNode? payload, Func<Bookmark, string?> refuse, CancellationToken cancellationToken = default) =>
        CommitOnStoredAsync(instanceId, (plan, state) => state.Bookmarks.FirstOrDefault(b => b.Id == bookmarkId) is { } bookmark && refuse(bookmark) is { } why
            ? throw new ResumeRefusedException(why)
            : _runner.ResumeAsync(plan, state, bookmarkId, payload, cancellationToken), retryOnConflict: true, cancellationToken);

    /// <summary>Publishes an event: every bookmark waiting on it (for the correlation id, if given) is resumed once.</summary>
    public async ValueTask<IReadOnlyList<RunResult>> TriggerEventAsync(string eventName, string? correlationId = null, JsonNode? payload = null, CancellationToken cancellationToken = default)
    {
        var hash = Event.StimulusHashOf(eventName);
        return await ResumeAllAsync(await instances.FindBookmarksAsync(hash, correlationId, cancellationToken), payload, cancellationToken);
    }

    /// <summary>Whether any instance (for the correlation id, if given) waits on the event now: what publishing it would resume.</summary>
    public async ValueTask<bool> AwaitsEventAsync(string eventName, string? correlationId = null, CancellationToken cancellationToken = default) =>
        (await instances.FindBookmarksAsync(Event.StimulusHashOf(eventName), correlationId, cancellationToken)).Count > 0;

    /// <summary>Reports the result of a task requested by RunTask.</summary>
    public async ValueTask<RunResult?> CompleteTaskAsync(string taskId, JsonNode? result = null, CancellationToken cancellationToken = default)
    {
        var hash = StimulusHash.Compute("Elsa.RunTask", RunTask.Stimulus(taskId));
        var found = await instances.FindBookmarksAsync(hash, null, cancellationToken);
        if (found.Count == 0) return null;
        var results = await ResumeAllAsync(found, result, cancellationToken);
        return results.Count > 0 ? results[0] : null;
    }

    /// <summary>Reports a decision to the Request Approval waiting on <paramref name="approvalId"/>; null when none waits any more.</summary>
    public async ValueTask<RunResult?> DecideApprovalAsync(string approvalId, JsonObject decision, CancellationToken cancellationToken = default)
    {
        var hash = StimulusHash.Compute(Activities.Approvals.RequestApproval.TypeName, Activities.Approvals.RequestApproval.Stimulus(approvalId));
        var results = await ResumeByStimulusAsync(hash, decision, cancellationToken);
        return results.Count > 0 ? results[0] : null;
    }

    /// <summary>Resumes what waits on an activity's own stimulus (a task's closure, for instance); empty when nothing waits any more.</summary>
    public ValueTask<IReadOnlyList<RunResult>> ResumeStimulusAsync(string activityType, string stimulus, JsonNode? payload, CancellationToken cancellationToken = default) =>
        ResumeByStimulusAsync(StimulusHash.Compute(activityType, stimulus), payload, cancellationToken);

    /// <summary>
    /// Resumes what waits on a stimulus. An activity that waits again after each stimulus (an approval after
    /// a decision, an SLA waiter after a clock change) replaces its bookmark; a stimulus that raced with
    /// such a replacement finds its bookmark gone and looks the stimulus up again, so it is never lost.
    /// </summary>
    private async ValueTask<IReadOnlyList<RunResult>> ResumeByStimulusAsync(string hash, JsonNode? payload, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var found = await instances.FindBookmarksAsync(hash, null, cancellationToken);
            if (found.Count == 0) return [];
            var results = await ResumeAllAsync(found, payload, cancellationToken);
            if (results.Count > 0 || attempt >= MaxConcurrencyRetries) return results;
        }
    }

    /// <summary>Fires every timer bookmark that is due now (the in-memory stand-in for the host's timer jobs).</summary>
    public async ValueTask<IReadOnlyList<RunResult>> FireDueTimersAsync(CancellationToken cancellationToken = default)
    {
        var due = await instances.FindDueTimersAsync(services.Time.GetUtcNow(), cancellationToken);
        return await ResumeAllAsync(due, null, cancellationToken);
    }

    public ValueTask<RunResult> RetryAsync(string instanceId, string incidentId, CancellationToken cancellationToken = default) =>
        CommitOnStoredAsync(instanceId, (plan, state) => _runner.RetryAsync(plan, state, incidentId, cancellationToken), retryOnConflict: false, cancellationToken);

    public async ValueTask<RunResult> CancelAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var (state, version, plan) = await LoadAsync(instanceId, cancellationToken);
        var burst = _runner.Cancel(plan, state);
        await instances.SaveAsync(state, version, cancellationToken);
        return await AfterCommitAsync(burst, cancellationToken);
    }

    /// <summary>
    /// Fires one timer. Safe to run twice and to run early: a bookmark that is gone was fired already
    /// (nothing happens), and a timer resumed before its due time waits again (see TimerBookmarks).
    /// </summary>
    public async ValueTask<RunResult?> FireTimerAsync(string instanceId, string bookmarkId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ResumeAsync(instanceId, bookmarkId, null, cancellationToken);
        }
        catch (BookmarkNotFoundException)
        {
            return null;
        }
        catch (InstanceNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs a burst and its save (<paramref name="attempt"/>), again after a transient failure (of the store, or of a
    /// service an activity needed) with back-off, and, when <paramref name="retryOnConflict"/>, after a concurrent
    /// commit; then the work that follows a commit. Each attempt starts from what is stored: a failed one saved nothing.
    /// </summary>
    private async ValueTask<RunResult> CommitAsync(Func<ValueTask<BurstResult>> attempt, bool retryOnConflict, CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            BurstResult burst;
            try
            {
                burst = await attempt();
            }
            catch (ConcurrencyException) when (retryOnConflict && tries < MaxConcurrencyRetries)
            {
                continue;
            }
            catch (TransientStoreException) when (tries < MaxTransientRetries)
            {
                await BackOffAsync(tries, cancellationToken);
                continue;
            }
            return await AfterCommitAsync(burst, cancellationToken);
        }
    }

    /// <summary>A burst on the instance as stored (a resume, a retry), saved against the revision it was read at.</summary>
    private ValueTask<RunResult> CommitOnStoredAsync(string instanceId, Func<DefinitionPlan, WorkflowState, ValueTask<BurstResult>> run, bool retryOnConflict, CancellationToken cancellationToken) =>
        CommitAsync(async () =>
        {
            var (state, version, plan) = await LoadAsync(instanceId, cancellationToken);
            var burst = await run(plan, state);
            StageOutbound(burst, state);
            await instances.SaveAsync(state, version, cancellationToken);
            return burst;
        }, retryOnConflict, cancellationToken);

    /// <summary>50 ms, 100 ms, 200 ms … before retrying after a transient failure.</summary>
    private Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        services.RetryDelay(TimeSpan.FromMilliseconds(50 * (1 << (attempt - 1))), cancellationToken);

    private ValueTask<IReadOnlyList<RunResult>> ResumeAllAsync(IReadOnlyList<BookmarkLocation> locations, JsonNode? payload, CancellationToken cancellationToken) =>
        ResumeAllAsync(locations, payload, null, cancellationToken);

    /// <summary>
    /// Resumes each location once. Of several, those whose instance is stopped by an incident are skipped; a caller that
    /// gives <paramref name="faulted"/> gets them listed there instead of an exception, even when there is only one.
    /// </summary>
    private async ValueTask<IReadOnlyList<RunResult>> ResumeAllAsync(IReadOnlyList<BookmarkLocation> locations, JsonNode? payload, List<BookmarkLocation>? faulted, CancellationToken cancellationToken)
    {
        var results = new List<RunResult>();
        foreach (var location in locations)
        {
            try
            {
                results.Add(await ResumeAsync(location.InstanceId, location.BookmarkId, payload?.DeepClone(), cancellationToken));
            }
            catch (BookmarkNotFoundException)
            {
                // Consumed by an earlier resume in this same batch (a frame with several bookmarks): exactly once, as intended.
            }
            catch (InstanceFaultedException) when (faulted is not null || locations.Count > 1)
            {
                // One instance stopped by an incident keeps its bookmark for after the retry; it must not keep the
                // stimulus (an event, a webhook) from the other instances waiting for it.
                faulted?.Add(location);
            }
        }
        return results;
    }

    private async ValueTask<(WorkflowState State, long Version, DefinitionPlan Plan)> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        var found = await instances.FindAsync(instanceId, cancellationToken) ?? throw new InstanceNotFoundException($"No workflow instance with id '{instanceId}'.");
        // As for a start: a version with a compiled plan needs no lookup (the plan cache is keyed by version id, evicted when a draft is saved).
        if (plans.TryGet(found.State.DefinitionVersionId, out var cachedPlan)) return (found.State, found.Version, cachedPlan);
        var definition = await definitions.FindAsync(found.State.DefinitionId, found.State.DefinitionVersionId, cancellationToken)
            ?? throw new DefinitionNotFoundException($"Definition {found.State.DefinitionId} version {found.State.DefinitionVersionId} of instance {instanceId} is gone.");
        if (definition.Id != found.State.DefinitionVersionId)
        {
            throw new DefinitionNotFoundException($"Instance {instanceId} runs definition version {found.State.DefinitionVersionId}, which is no longer stored.");
        }
        return (found.State, found.Version, await GetPlanAsync(definition, cancellationToken));
    }

    private async ValueTask<RunResult> AfterCommitAsync(BurstResult burst, CancellationToken cancellationToken)
    {
        var state = burst.State;
        var effects = new List<WorkflowEffect>(burst.Effects);
        if (services.IncidentCommitted is { } told)
        {
            foreach (var incident in burst.NewIncidents) told(state, incident);
        }
        foreach (var bookmark in burst.CreatedBookmarks)
        {
            if (bookmark.DueAt is not null && state.Bookmarks.Contains(bookmark)) await Scheduler.ScheduleTimerAsync(state.InstanceId, bookmark, cancellationToken);
        }
        foreach (var effect in burst.Effects)
        {
            switch (effect)
            {
                case StartWorkflowEffect { Background: true } dispatch:
                    if (!DispatchThroughOutbox) await Scheduler.DispatchAsync(dispatch, cancellationToken);
                    break;
                case StartWorkflowEffect start:
                    await StartChildAsync(start, cancellationToken);
                    break;
                case SignalEffect signal:
                    await ResumeByStimulusAsync(StimulusHash.Compute(signal.ActivityType, signal.Stimulus), signal.Payload, cancellationToken);
                    break;
                case PublishEventEffect published:
                    await TriggerEventAsync(published.EventName, published.CorrelationId, published.Payload, cancellationToken);
                    break;
                case RunTaskEffect task:
                    RequestedTasks.Enqueue(task);
                    break;
            }
        }
        if (burst.Finished) await NotifyParentAsync(state, cancellationToken);
        // Only an inline child (which may finish at once and resume this instance), a published event or a signal
        // (which may resume it too) can have moved this instance on; then report what is stored.
        var mayHaveMoved = burst.Effects.Any(e => e is StartWorkflowEffect { Background: false, ParentBookmarkId: not null } or PublishEventEffect or SignalEffect);
        if (!mayHaveMoved) return new RunResult(state, effects);
        var latest = await instances.FindAsync(state.InstanceId, cancellationToken);
        return new RunResult(latest?.State ?? state, effects);
    }
}
