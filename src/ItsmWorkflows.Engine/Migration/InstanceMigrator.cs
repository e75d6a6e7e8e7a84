using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Composition;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Migration;

/// <summary>
/// Moves a running instance to another version of its definition. An instance is a set of live frames (activities
/// under way, waiting or faulted), each naming its activity by path, plus container progress (flowchart join rounds,
/// sequence positions). A move is allowed only when every live frame has an activity of the same type in the target,
/// in the same place (the root stays the root; an activity keeps its parent), every sequence under way keeps the
/// steps up to its position, and every join a live branch can still reach keeps its inbound connections; otherwise
/// nothing changes and the report says which activity stops it and why. Activities renamed in the target are mapped
/// by path (<c>old → new</c>; mapping a definition used as an activity maps what is inside it too).
/// </summary>
public static class InstanceMigrator
{
    /// <summary>Checks a move without changing the state.</summary>
    public static MigrationReport Check(WorkflowState state, DefinitionPlan from, DefinitionPlan to, IReadOnlyDictionary<string, string>? activityMap = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var map = activityMap ?? new Dictionary<string, string>();
        var blocking = new List<MigrationIssue>();
        var notes = new List<string>();
        var fromVersion = state.DefinitionVersion;
        var toVersion = to.Definition.Version;

        if (state.Status == WorkflowStatus.Finished)
        {
            blocking.Add(new MigrationIssue(null, $"The instance is finished ({state.SubStatus}); a finished instance keeps the version it ran, so its history matches its diagram."));
        }
        if (!string.Equals(to.Definition.DefinitionId, state.DefinitionId, StringComparison.Ordinal))
        {
            blocking.Add(new MigrationIssue(null, $"Version {toVersion} belongs to '{to.Definition.DefinitionId}', not to '{state.DefinitionId}'."));
        }
        else if (string.Equals(to.Definition.Id, state.DefinitionVersionId, StringComparison.Ordinal))
        {
            blocking.Add(new MigrationIssue(null, $"The instance already runs version {toVersion}."));
        }
        if (to.Issues.Count > 0)
        {
            blocking.Add(new MigrationIssue(null, $"Version {toVersion} does not compile: {string.Join("; ", to.Issues.Select(i => i.Message))}"));
        }
        MigrationMap.Check(map, from, to, fromVersion, toVersion, blocking);
        if (blocking.Count > 0) return new MigrationReport(fromVersion, toVersion, blocking, notes);

        foreach (var frame in state.Frames.Values)
        {
            CheckFrame(state, frame, from, to, map, blocking);
        }
        foreach (var bookmark in state.Bookmarks)
        {
            if (!state.Frames.ContainsKey(bookmark.FrameId)) blocking.Add(new MigrationIssue(bookmark.ActivityId, $"Bookmark {bookmark.Id} belongs to no live activity; the instance state is inconsistent."));
        }

        // What changes for the instance: variables that start now, and activities already under way whose inputs differ.
        foreach (var (frame, variable) in NewVariables(state, to, map))
        {
            notes.Add(frame.ParentId is null
                ? $"Variable '{variable.Name}' is new in version {toVersion}: it starts at its initial value ({variable.InitialValue?.ToJsonString() ?? "null"})."
                : $"Variable '{variable.Name}' of '{MigrationMap.MapPath(frame.NodePath, map)}' is new in version {toVersion}: it starts at its initial value ({variable.InitialValue?.ToJsonString() ?? "null"}).");
        }
        var declared = to.Variables.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in RootScope(state)?.Variables?.Keys.Where(n => !declared.Contains(n)) ?? [])
        {
            notes.Add($"Variable '{name}' is not declared in version {toVersion}: its value is kept with the instance.");
        }
        // Only the live activities are compared, not the whole definitions: a bulk move checks thousands of instances.
        foreach (var frame in state.Frames.Values)
        {
            var targetPath = MigrationMap.MapPath(frame.NodePath, map);
            if (to.FindNode(targetPath) is not { } node || node.Activities.Count > 0 || node.Flowchart is not null) continue;
            var waiting = state.Bookmarks.Any(b => b.FrameId == frame.Id);
            if (!string.Equals(targetPath, frame.NodePath, StringComparison.Ordinal))
            {
                notes.Add($"'{frame.NodePath}' {(waiting ? "waits" : "runs")} on as '{targetPath}'.");
            }
            if (node.Owner.PathPrefix.Length == 0 && from.FindNode(node.Path) is { } source
                && DefinitionDiff.ChangedFields(source.Node, node.Node) is { Count: > 0 } change)
            {
                var fields = string.Join(", ", change.Select(f => f.Field));
                notes.Add(waiting
                    ? $"'{node.Node.DisplayName}' is already waiting and version {toVersion} changed its {fields}: the wait it set up stands (its event, the approvers it asked, its due time); what it reads again when it resumes comes from version {toVersion}."
                    : $"'{node.Node.DisplayName}' runs with version {toVersion}'s {fields}.");
            }
        }
        return new MigrationReport(fromVersion, toVersion, blocking, notes);
    }

    /// <summary>
    /// Moves the instance when <see cref="Check"/> allows it, recording the move in the journal; returns the report
    /// either way. The caller saves the state (under its concurrency guard) only when the report allows the move.
    /// </summary>
    public static MigrationReport Apply(WorkflowState state, DefinitionPlan from, DefinitionPlan to, IReadOnlyDictionary<string, string>? activityMap, DateTimeOffset now, string? actor)
    {
        var report = Check(state, from, to, activityMap);
        if (!report.CanMigrate) return report;
        var map = activityMap ?? new Dictionary<string, string>();

        foreach (var (frame, variable) in NewVariables(state, to, map).ToList())
        {
            frame.Variables ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            frame.Variables[variable.Name] = variable.InitialValue?.DeepClone();
            if (frame.ParentId is null) state.Variables[variable.Name] = variable.InitialValue?.DeepClone();
        }
        foreach (var frame in state.Frames.Values.ToList())
        {
            var path = MigrationMap.MapPath(frame.NodePath, map);
            var moved = string.Equals(path, frame.NodePath, StringComparison.Ordinal) ? frame : new ActivityFrame
            {
                Id = frame.Id, NodePath = path, ParentId = frame.ParentId, Status = frame.Status, Variables = frame.Variables,
                ScopeInput = frame.ScopeInput, ScopeOutput = frame.ScopeOutput, State = frame.State, Tag = frame.Tag,
                IsWorkflowScope = frame.IsWorkflowScope, IsTriggerOfInstance = frame.IsTriggerOfInstance, ScheduledAt = frame.ScheduledAt,
            };
            if (moved.State is FlowchartState flowchart && from.FindNode(frame.NodePath)?.Flowchart is { } before && to.FindNode(path)?.Flowchart is { } after)
            {
                flowchart.Rounds = flowchart.Rounds.ToDictionary(
                    r => MigrationMap.MapPath(r.Key, map),
                    r => new JoinRound { Live = MigrationJoins.RemapIndexes(r.Value.Live, before, after, map), Dead = MigrationJoins.RemapIndexes(r.Value.Dead, before, after, map), Fired = r.Value.Fired },
                    StringComparer.Ordinal);
            }
            state.Frames[frame.Id] = moved;
        }
        // A bookmark names its activity by id (not path): it follows its frame's activity.
        for (var i = 0; i < state.Bookmarks.Count; i++)
        {
            var b = state.Bookmarks[i];
            var activityId = to.FindNode(state.Frames[b.FrameId].NodePath)!.Id;
            if (string.Equals(activityId, b.ActivityId, StringComparison.Ordinal)) continue;
            state.Bookmarks[i] = new Bookmark { Id = b.Id, FrameId = b.FrameId, ActivityId = activityId, Name = b.Name, StimulusHash = b.StimulusHash, Payload = b.Payload, DueAt = b.DueAt, CreatedAt = b.CreatedAt };
        }
        // So is an incident: a renamed faulted activity's stays on it (its retry finds the frame by id anyway).
        for (var i = 0; i < state.Incidents.Count; i++)
        {
            var incident = state.Incidents[i];
            if (!state.Frames.TryGetValue(incident.FrameId, out var frame) || to.FindNode(frame.NodePath) is not { } node || node.Id == incident.ActivityId) continue;
            state.Incidents[i] = new Incident
            {
                Id = incident.Id, FrameId = incident.FrameId, ActivityId = node.Id, ActivityType = incident.ActivityType,
                Message = incident.Message, Code = incident.Code, At = incident.At, ResolvedAt = incident.ResolvedAt,
            };
        }
        // Outputs are kept by activity id for the top-level definition's expressions (getXFromY): renamed ones follow.
        // In two steps, so a chain or a swap (A → B, B → C) moves each activity's outputs, not what an earlier step put there.
        var movedOutputs = new List<(string Id, Dictionary<string, JsonNode?> Outputs)>();
        foreach (var (oldPath, newPath) in map)
        {
            if (from.FindNode(oldPath) is not { Owner.PathPrefix.Length: 0 } before || to.FindNode(newPath) is not { Owner.PathPrefix.Length: 0 } after) continue;
            if (state.ActivityOutputs.Remove(before.Id, out var outputs)) movedOutputs.Add((after.Id, outputs));
        }
        foreach (var (id, outputs) in movedOutputs) state.ActivityOutputs[id] = outputs;

        var fromVersion = state.DefinitionVersion;
        state.DefinitionVersionId = to.Definition.Id;
        state.DefinitionVersion = to.Definition.Version;
        state.UpdatedAt = now;
        var by = string.IsNullOrEmpty(actor) ? "" : $" by {actor}";
        var renames = map.Count == 0 ? "" : $"; {string.Join(", ", map.Select(m => $"{m.Key} → {m.Value}"))}";
        state.Journal.Add(new JournalEntry(++state.JournalSequence, now, to.Root.Id, to.Root.Type, JournalEvent.Migrated, null, $"Moved from version {fromVersion} to version {to.Definition.Version}{by}{renames}."));
        return report;
    }

    private static void CheckFrame(WorkflowState state, ActivityFrame frame, DefinitionPlan from, DefinitionPlan to, IReadOnlyDictionary<string, string> map, List<MigrationIssue> blocking)
    {
        var source = from.FindNode(frame.NodePath);
        var targetPath = MigrationMap.MapPath(frame.NodePath, map);
        var target = to.FindNode(targetPath);
        var what = state.Bookmarks.Any(b => b.FrameId == frame.Id) ? "is waiting" : frame.Status == FrameStatus.Faulted ? "has faulted" : "is under way";
        var parent = frame.ParentId is not null && state.Frames.TryGetValue(frame.ParentId, out var p) ? p : null;
        var parentPath = parent is null ? null : MigrationMap.MapPath(parent.NodePath, map);
        if (source is null)
        {
            blocking.Add(new MigrationIssue(frame.NodePath, $"'{frame.NodePath}' {what} but is not in the version the instance runs; the instance state is inconsistent."));
            return;
        }
        if (target is null)
        {
            var candidates = to.Nodes.Values.Where(n => n.Type == source.Type && from.FindNode(n.Path) is null && (parent is null ? n == to.Root : ParentPath(n) == parentPath)).Select(n => n.Path).ToList();
            var hint = candidates.Count > 0
                ? $" Map it to one of the same type added there in that version: {string.Join(", ", candidates)}."
                : $" Version {to.Definition.Version} adds no {source.Descriptor.DisplayName} activity there to map it to.";
            blocking.Add(new MigrationIssue(frame.NodePath, $"{Name(source)} {what}, and version {to.Definition.Version} has no activity '{targetPath}'.{hint}"));
            return;
        }
        if (!string.Equals(source.Type, target.Type, StringComparison.Ordinal))
        {
            blocking.Add(new MigrationIssue(frame.NodePath, $"{Name(source)} {what} as {source.Descriptor.DisplayName} ({source.Type}); in version {to.Definition.Version} '{targetPath}' is {target.Descriptor.DisplayName} ({target.Type}). An activity under way keeps its type."));
            return;
        }
        if (parent is null && target != to.Root)
        {
            blocking.Add(new MigrationIssue(frame.NodePath, $"{Name(source)} is the instance's root; in version {to.Definition.Version} the root is '{to.Root.Path}' and '{targetPath}' sits inside it. The root stays the root."));
        }
        else if (parent is not null && !string.Equals(ParentPath(target), parentPath, StringComparison.Ordinal))
        {
            blocking.Add(new MigrationIssue(frame.NodePath, $"{Name(source)} {what} inside '{parent.NodePath}'; in version {to.Definition.Version} '{targetPath}' sits {(ParentPath(target) is { } moved ? $"inside '{moved}'" : "at the root")}."));
        }
        if (parent is not null && source.Parent is not null && target.Parent is not null && source.Parent.Flowchart is null
            && !string.Equals(SlotOf(source), SlotOf(target), StringComparison.Ordinal))
        {
            // An If reports the branch a child ran in; a fork and a loop know their children by position.
            blocking.Add(new MigrationIssue(frame.NodePath, $"{Name(source)} {what} as {SlotOf(source)} of '{parent.NodePath}'; in version {to.Definition.Version} it is {SlotOf(target)}, and its container would take it for the other."));
        }
        switch (frame.State)
        {
            case CounterState counter when source.Behaviour is Sequence:
                // A sequence schedules its next step by position: the steps up to the current one must be the same.
                var done = ChildPaths(source).Take(counter.Index + 1).Select(c => MigrationMap.MapPath(c, map)).ToList();
                var now = ChildPaths(target).Take(counter.Index + 1).ToList();
                if (!done.SequenceEqual(now, StringComparer.Ordinal))
                {
                    blocking.Add(new MigrationIssue(frame.NodePath, $"{Name(source)} is at step {counter.Index + 1} ({done.LastOrDefault()}), and version {to.Definition.Version} changed the steps up to there ({string.Join(", ", done)} → {string.Join(", ", now)}); its position would point elsewhere."));
                }
                break;
            case FlowchartState flowchart when source.Flowchart is { } before && target.Flowchart is { } after:
                MigrationJoins.CheckJoins(state, frame, flowchart, before, after, map, to.Definition.Version, blocking);
                break;
        }
    }

    /// <summary>Variables the target declares where this instance has live scopes that lack them: the workflow's, a definition used as an activity's, a container's.</summary>
    private static IEnumerable<(ActivityFrame Frame, VariablePlan Variable)> NewVariables(WorkflowState state, DefinitionPlan to, IReadOnlyDictionary<string, string> map)
    {
        foreach (var frame in state.Frames.Values)
        {
            var node = to.FindNode(MigrationMap.MapPath(frame.NodePath, map));
            IEnumerable<VariablePlan> declared = frame.ParentId is null && frame.IsWorkflowScope ? to.Variables
                : frame.IsWorkflowScope && node?.ChildDefinition is { } child ? child.Variables
                : node?.Variables ?? [];
            foreach (var variable in declared)
            {
                if (frame.Variables?.ContainsKey(variable.Name) != true) yield return (frame, variable);
            }
        }
    }

    /// <summary>'Manager approval' (Approve1), or 'Approve1' when the activity has no name of its own.</summary>
    private static string Name(PlanNode node) =>
        string.Equals(node.Node.DisplayName, node.Path, StringComparison.Ordinal) ? $"'{node.Path}'" : $"'{node.Node.DisplayName}' ({node.Path})";

    /// <summary>The path of the activity a node runs inside: its container, or for the root of a definition used as an activity, that activity.</summary>
    private static string? ParentPath(PlanNode node) =>
        node.Parent?.Path ?? (node.Owner.PathPrefix.Length > 0 ? node.Owner.PathPrefix.TrimEnd('/') : null);

    private static ActivityFrame? RootScope(WorkflowState state) =>
        state.Frames.Values.FirstOrDefault(f => f.ParentId is null && f.IsWorkflowScope);

    /// <summary>Where a node sits in its container: a named slot ("then"), a position in a list slot ("branches #2"), or its activities.</summary>
    private static string SlotOf(PlanNode node)
    {
        var parent = node.Parent!;
        foreach (var (name, child) in parent.Slots)
        {
            if (child == node) return $"its '{name}'";
        }
        foreach (var (name, list) in parent.ListSlots)
        {
            var at = list.IndexOf(node);
            if (at >= 0) return $"'{name}' #{at + 1}";
        }
        return "one of its activities";
    }

    private static IEnumerable<string> ChildPaths(PlanNode node) =>
        node.Activities.Concat(node.Slots.Values).Concat(node.ListSlots.Values.SelectMany(l => l)).Select(c => c.Path);
}
