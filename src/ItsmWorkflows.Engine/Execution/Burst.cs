using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Expressions;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>
/// One burst of one instance: drains the queue of scheduled frames until every path is done,
/// suspended or faulted. Everything it changes is in <see cref="State"/> and <see cref="Result"/>;
/// the host commits both together or not at all.
/// </summary>
internal sealed class Burst
{
    private static readonly string[] DoneOutcome = ["Done"];

    private int _head;
    private bool _stopped;

    public Burst(DefinitionPlan plan, WorkflowState state, WorkflowServices services, CancellationToken cancellationToken)
    {
        Plan = plan;
        State = state;
        Services = services;
        CancellationToken = cancellationToken;
        Now = services.Time.GetUtcNow();
        Result = new BurstResult { State = state, JournalStart = state.Journal.Count };
    }

    public DefinitionPlan Plan { get; }

    public WorkflowState State { get; }

    public WorkflowServices Services { get; }

    public CancellationToken CancellationToken { get; }

    public DateTimeOffset Now { get; private set; }

    public BurstResult Result { get; }

    public string? TriggerPath { get; set; }

    public JsonNode? TriggerPayload { get; set; }

    public async ValueTask RunAsync()
    {
        var queue = State.Queue;
        while (!_stopped && _head < queue.Count)
        {
            CancellationToken.ThrowIfCancellationRequested();
            var frameId = queue[_head++];
            if (!State.Frames.TryGetValue(frameId, out var frame) || frame.Status != FrameStatus.Scheduled) continue;
            Now = Services.Time.GetUtcNow();
            await ExecuteFrameAsync(frame);
        }
        queue.RemoveRange(0, Math.Min(_head, queue.Count));
        _head = 0;
        Finish();
    }

    public async ValueTask ResumeAsync(Bookmark bookmark, JsonNode? payload)
    {
        if (!State.Frames.TryGetValue(bookmark.FrameId, out var frame))
        {
            throw new InvalidOperationException($"Bookmark {bookmark.Id} points at a frame that no longer exists.");
        }
        var node = NodeOf(frame);
        // The resumed bookmark, and any sibling bookmark of the same frame, is consumed here: an activity that
        // wants to keep waiting returns Suspend with the bookmarks it still needs.
        RemoveBookmarksOf(frame.Id);
        Journal(node, JournalEvent.Resumed);
        var context = new ActivityContext(this, frame, node);
        ActivityResult result;
        try
        {
            await ReadTicketAsync(context, node);
            result = await node.Behaviour.ResumeAsync(context, new Activities.ResumeStimulus(bookmark, payload), CancellationToken);
        }
        catch (Exception ex) when (Services.IsTransientFailure(ex))
        {
            throw Unavailable(node, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result = ActivityResult.Fault(ex.Message);
        }
        await ApplyAsync(frame, node, context, result);
        if (_stopped)
        {
            Finish();
            return;
        }
        await RunAsync();
    }

    public ActivityFrame CreateFrame(PlanNode node, ActivityFrame? parent, string? tag = null, Dictionary<string, JsonNode?>? variables = null)
    {
        var frame = new ActivityFrame
        {
            Id = "f" + State.NextFrameNumber++.ToString(System.Globalization.CultureInfo.InvariantCulture),
            NodePath = node.Path,
            ParentId = parent?.Id,
            ScheduledAt = Now,
            Tag = tag,
            Variables = variables,
        };
        if (node.Variables.Count > 0)
        {
            frame.Variables ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var v in node.Variables) frame.Variables.TryAdd(v.Name, v.InitialValue?.DeepClone());
        }
        State.Frames[frame.Id] = frame;
        State.Queue.Add(frame.Id);
        return frame;
    }

    /// <summary>
    /// For an activity whose scripts call currentTicket(): the ticket named by the correlation id as it stands, with what
    /// this burst has set on it. Read here, before the inputs, because scripts cannot wait for the database.
    /// </summary>
    private async ValueTask ReadTicketAsync(ActivityContext context, PlanNode node)
    {
        if (!node.ReadsTicket || State.CorrelationId is not { Length: > 0 } number) return;
        context.CurrentTicket = (await Activities.Tickets.TicketChanges.CurrentAsync(context, number, CancellationToken))?.ToJson();
    }

    /// <summary>A transient failure inside an activity abandons the burst (nothing is saved); the runtime runs it again.</summary>
    private static Runtime.TransientStoreException Unavailable(PlanNode node, Exception ex) =>
        new($"Activity '{node.Id}' could not reach a service it needs: {ex.GetBaseException().Message}", ex);

    public PlanNode NodeOf(ActivityFrame frame) =>
        Plan.FindNode(frame.NodePath) ?? throw new InvalidOperationException($"Activity '{frame.NodePath}' is not in this definition version; the instance needs migrating.");

    private async ValueTask ExecuteFrameAsync(ActivityFrame frame)
    {
        var node = NodeOf(frame);
        frame.Status = FrameStatus.Running;
        Journal(node, JournalEvent.Started);
        var context = new ActivityContext(this, frame, node);
        ActivityResult result;
        try
        {
            await ReadTicketAsync(context, node);
            result = await node.Behaviour.ExecuteAsync(context, CancellationToken);
        }
        catch (Exception ex) when (Services.IsTransientFailure(ex))
        {
            throw Unavailable(node, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result = ActivityResult.Fault(ex.Message);
        }
        await ApplyAsync(frame, node, context, result);
    }

    private async ValueTask ApplyAsync(ActivityFrame frame, PlanNode node, ActivityContext context, ActivityResult result)
    {
        switch (result.Kind)
        {
            case ResultKind.Complete:
                await CompleteFrameAsync(frame, node, result.Outcomes);
                break;
            case ResultKind.Suspend:
                frame.Status = FrameStatus.Suspended;
                RemoveBookmarksOf(frame.Id);
                // Indexed: foreach over an IReadOnlyList boxes an enumerator on every result.
                for (var i = 0; i < result.Bookmarks.Count; i++)
                {
                    State.Bookmarks.Add(result.Bookmarks[i]);
                    Result.CreatedBookmarks.Add(result.Bookmarks[i]);
                }
                Journal(node, JournalEvent.Suspended);
                break;
            case ResultKind.Schedule:
                frame.Status = FrameStatus.Running;
                for (var i = 0; i < result.Children.Count; i++)
                {
                    var child = result.Children[i];
                    CreateFrame(child.Node, frame, child.Tag, child.Variables).IsTriggerOfInstance = child.IsTrigger;
                }
                break;
            case ResultKind.Fault:
                Fault(frame, node, result.Error ?? "The activity faulted.", result.ErrorCode);
                break;
            case ResultKind.EndFlowchart:
                await CompleteEnclosingAsync(frame, node, f => NodeOf(f).Flowchart is not null, DoneOutcome);
                break;
            case ResultKind.CompleteWorkflowScope:
                await CompleteEnclosingAsync(frame, node, f => f.IsWorkflowScope, result.Outcomes);
                break;
            case ResultKind.FinishInstance:
                Journal(node, JournalEvent.Completed, result.Outcomes);
                var root = State.Frames.Values.First(f => f.ParentId is null);
                SnapshotVariables(root);
                CancelDescendants(root);
                RemoveFrame(root);
                FinishInstance(WorkflowSubStatus.Finished);
                break;
        }
    }

    private async ValueTask CompleteEnclosingAsync(ActivityFrame frame, PlanNode node, Func<ActivityFrame, bool> isTarget, IReadOnlyList<string> outcomes)
    {
        Journal(node, JournalEvent.Completed, outcomes);
        RemoveFrame(frame);
        var target = frame.ParentId is null ? null : State.Frames.GetValueOrDefault(frame.ParentId);
        while (target is not null && !isTarget(target))
        {
            target = target.ParentId is null ? null : State.Frames.GetValueOrDefault(target.ParentId);
        }
        if (target is null)
        {
            // No enclosing container of that kind: the whole instance is what ends.
            target = State.Frames.Values.First(f => f.ParentId is null);
        }
        CancelDescendants(target);
        await CompleteFrameAsync(target, NodeOf(target), outcomes);
    }

    public async ValueTask CompleteFrameAsync(ActivityFrame frame, PlanNode node, IReadOnlyList<string> outcomes)
    {
        if (frame.IsWorkflowScope && frame.ParentId is not null && frame.ScopeOutput is { Count: > 0 } scopeOutput)
        {
            // A definition used as an activity: what its SetOutput activities set becomes the activity's outputs.
            var scopeContext = new ActivityContext(this, frame, node);
            foreach (var pair in scopeOutput) scopeContext.SetOutput(pair.Key, pair.Value);
        }
        Journal(node, JournalEvent.Completed, outcomes);
        if (frame.ParentId is null) SnapshotVariables(frame);
        RemoveFrame(frame);
        if (frame.ParentId is null)
        {
            FinishInstance(WorkflowSubStatus.Finished);
            return;
        }
        if (!State.Frames.TryGetValue(frame.ParentId, out var parent)) return;
        var parentNode = NodeOf(parent);
        if (parentNode.Behaviour is not ICompositeActivity composite)
        {
            throw new InvalidOperationException($"Activity {parentNode} has children but does not handle their completion.");
        }
        var context = new ActivityContext(this, parent, parentNode);
        ActivityResult result;
        try
        {
            await ReadTicketAsync(context, parentNode);
            result = await composite.OnChildCompletedAsync(context, new ChildCompletion(node, frame, outcomes), CancellationToken);
        }
        catch (Exception ex) when (Services.IsTransientFailure(ex))
        {
            throw Unavailable(parentNode, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result = ActivityResult.Fault(ex.Message);
        }
        await ApplyAsync(parent, parentNode, context, result);
    }

    private void Fault(ActivityFrame frame, PlanNode node, string message, string? code)
    {
        frame.Status = FrameStatus.Faulted;
        var incident = new Incident
        {
            Id = Services.NewId(),
            FrameId = frame.Id,
            ActivityId = node.Id,
            ActivityType = node.Type,
            Message = message,
            Code = code,
            At = Now,
        };
        State.Incidents.Add(incident);
        Result.NewIncidents.Add(incident);
        Journal(node, JournalEvent.Faulted, message: message);
        State.SubStatus = WorkflowSubStatus.Faulted;
        // Fault strategy: stop the whole instance where it is. Queued work stays queued, so retrying the
        // incident continues exactly where the instance stopped.
        _stopped = true;
    }

    public void CancelDescendants(ActivityFrame ancestor)
    {
        // Collected first: removing while enumerating the dictionary would invalidate the enumeration.
        List<ActivityFrame>? doomed = null;
        foreach (var frame in State.Frames.Values)
        {
            if (IsDescendant(frame, ancestor.Id)) (doomed ??= []).Add(frame);
        }
        if (doomed is null) return;
        foreach (var frame in doomed)
        {
            Withdraw(frame);
            Journal(NodeOf(frame), JournalEvent.Cancelled);
            RemoveFrame(frame);
        }
    }

    public void CancelFrameTree(ActivityFrame frame)
    {
        CancelDescendants(frame);
        Withdraw(frame);
        Journal(NodeOf(frame), JournalEvent.Cancelled);
        RemoveFrame(frame);
    }

    /// <summary>Lets a cancelled activity withdraw what it left outside the instance (an open task).</summary>
    private void Withdraw(ActivityFrame frame)
    {
        var node = NodeOf(frame);
        if (node.Behaviour is ICancellableActivity cancellable) cancellable.OnCancelled(new ActivityContext(this, frame, node));
    }

    private bool IsDescendant(ActivityFrame frame, string ancestorId)
    {
        var parentId = frame.ParentId;
        while (parentId is not null)
        {
            if (parentId == ancestorId) return true;
            parentId = State.Frames.TryGetValue(parentId, out var parent) ? parent.ParentId : null;
        }
        return false;
    }

    private void RemoveFrame(ActivityFrame frame)
    {
        State.Frames.Remove(frame.Id);
        RemoveBookmarksOf(frame.Id);
        foreach (var incident in State.Incidents)
        {
            if (incident.FrameId == frame.Id && incident.ResolvedAt is null) incident.ResolvedAt = Now;
        }
    }

    private void RemoveBookmarksOf(string frameId)
    {
        var bookmarks = State.Bookmarks;
        for (var i = bookmarks.Count - 1; i >= 0; i--)
        {
            if (bookmarks[i].FrameId != frameId) continue;
            Result.RemovedBookmarks.Add(bookmarks[i]);
            bookmarks.RemoveAt(i);
        }
    }

    private void FinishInstance(WorkflowSubStatus subStatus)
    {
        State.Status = WorkflowStatus.Finished;
        State.SubStatus = subStatus;
        State.FinishedAt = Now;
        foreach (var bookmark in State.Bookmarks) Result.RemovedBookmarks.Add(bookmark);
        State.Bookmarks.Clear();
        State.Frames.Clear();
        State.Queue.Clear();
        _head = 0;
        _stopped = true;
    }

    private void SnapshotVariables(ActivityFrame root)
    {
        if (root.Variables is null) return;
        State.Variables = new Dictionary<string, JsonNode?>(root.Variables, StringComparer.Ordinal);
    }

    private void Finish()
    {
        State.UpdatedAt = Services.Time.GetUtcNow();
        if (State.Frames.Values.FirstOrDefault(f => f.ParentId is null) is { } root) SnapshotVariables(root);
        if (State.Status == WorkflowStatus.Finished) return;
        if (State.SubStatus == WorkflowSubStatus.Faulted || State.Frames.Values.Any(f => f.Status == FrameStatus.Faulted))
        {
            State.SubStatus = WorkflowSubStatus.Faulted;
            return;
        }
        if (State.Frames.Count == 0)
        {
            FinishInstance(WorkflowSubStatus.Finished);
            return;
        }
        State.SubStatus = WorkflowSubStatus.Suspended;
    }

    public void Journal(PlanNode node, JournalEvent journalEvent, IReadOnlyList<string>? outcomes = null, string? message = null)
    {
        State.Journal.Add(new JournalEntry(++State.JournalSequence, Now, node.Id, node.Type, journalEvent, outcomes, message, node.Path == node.Id ? null : node.Path));
    }

    // ----- variable scopes -----

    public bool TryGetVariable(ActivityFrame start, string name, out JsonNode? value)
    {
        for (var frame = start; frame is not null; frame = Parent(frame))
        {
            if (frame.Variables is not null && frame.Variables.TryGetValue(name, out value)) return true;
            if (frame.IsWorkflowScope) break;
        }
        value = null;
        return false;
    }

    public void SetVariable(ActivityFrame start, string name, JsonNode? value)
    {
        ActivityFrame? scope = null;
        for (var frame = start; frame is not null; frame = Parent(frame))
        {
            if (frame.Variables is not null && frame.Variables.ContainsKey(name))
            {
                frame.Variables[name] = value;
                return;
            }
            if (frame.IsWorkflowScope)
            {
                scope = frame;
                break;
            }
            scope = frame;
        }
        if (scope is null) return;
        (scope.Variables ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal))[name] = value;
    }

    public IEnumerable<KeyValuePair<string, JsonNode?>> VisibleVariables(ActivityFrame start)
    {
        for (var frame = start; frame is not null; frame = Parent(frame))
        {
            if (frame.Variables is not null)
            {
                foreach (var pair in frame.Variables) yield return pair;
            }
            if (frame.IsWorkflowScope) yield break;
        }
    }

    public IReadOnlyDictionary<string, JsonNode?> ScopeInputs(ActivityFrame start)
    {
        var scope = ScopeOf(start);
        return scope is null || scope.ParentId is null ? State.Input : (IReadOnlyDictionary<string, JsonNode?>?)scope.ScopeInput ?? State.Input;
    }

    public void SetWorkflowOutput(ActivityFrame start, string name, JsonNode? value)
    {
        var scope = ScopeOf(start);
        if (scope is null || scope.ParentId is null) State.Output[name] = value;
        else (scope.ScopeOutput ??= new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase))[name] = value;
    }

    private ActivityFrame? ScopeOf(ActivityFrame start)
    {
        for (var frame = start; frame is not null; frame = Parent(frame))
        {
            if (frame.IsWorkflowScope) return frame;
        }
        return null;
    }

    private ActivityFrame? Parent(ActivityFrame frame) =>
        frame.ParentId is not null && State.Frames.TryGetValue(frame.ParentId, out var parent) ? parent : null;
}
