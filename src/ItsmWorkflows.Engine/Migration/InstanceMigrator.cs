using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Migration;

/// <summary>
/// Moves a running instance to another version of its definition. An instance is a set of live frames (activities
/// under way or waiting), each naming its activity by path, plus container progress (flowchart join rounds, sequence
/// positions). A move is allowed only when every live frame has an activity of the same type in the target, under the
/// same parent, and every container under way keeps what its progress refers to; otherwise nothing changes and the
/// report says which activity stops it and why. Activities renamed in the target are mapped by id
/// (<c>old id → new id</c>, top-level definition only).
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
        foreach (var (oldId, newId) in map)
        {
            if (from.FindNode(oldId) is null) blocking.Add(new MigrationIssue(oldId, $"The mapping names '{oldId}', which version {fromVersion} does not have."));
            if (to.FindNode(newId) is null) blocking.Add(new MigrationIssue(oldId, $"The mapping sends '{oldId}' to '{newId}', which version {toVersion} does not have."));
        }
        if (blocking.Count > 0) return new MigrationReport(fromVersion, toVersion, blocking, notes);

        foreach (var frame in state.Frames.Values)
        {
            CheckFrame(state, frame, from, to, map, blocking);
        }
        foreach (var bookmark in state.Bookmarks)
        {
            if (!state.Frames.ContainsKey(bookmark.FrameId)) blocking.Add(new MigrationIssue(bookmark.ActivityId, $"Bookmark {bookmark.Id} belongs to no live activity; the instance state is inconsistent."));
        }

        // What changes for the instance: new variables, and activities already under way whose inputs differ.
        var declared = to.Variables.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var scope = RootScope(state);
        foreach (var variable in to.Variables.Where(v => scope?.Variables?.ContainsKey(v.Name) != true))
        {
            notes.Add($"Variable '{variable.Name}' is new in version {toVersion}: it starts at its initial value ({variable.InitialValue?.ToJsonString() ?? "null"}).");
        }
        foreach (var name in scope?.Variables?.Keys.Where(n => !declared.Contains(n)) ?? [])
        {
            notes.Add($"Variable '{name}' is not declared in version {toVersion}: its value is kept with the instance.");
        }
        var changed = DefinitionDiff.Compute(from.Definition, to.Definition).ActivitiesChanged.ToDictionary(c => c.Id, StringComparer.Ordinal);
        foreach (var frame in state.Frames.Values)
        {
            var targetPath = MapPath(frame.NodePath, map);
            if (to.FindNode(targetPath) is not { } node || node.Activities.Count > 0 || node.Flowchart is not null) continue;
            var waiting = state.Bookmarks.Any(b => b.FrameId == frame.Id);
            if (!string.Equals(targetPath, frame.NodePath, StringComparison.Ordinal))
            {
                notes.Add($"'{frame.NodePath}' {(waiting ? "waits" : "runs")} on as '{targetPath}'.");
            }
            if (changed.TryGetValue(targetPath, out var change))
            {
                var fields = string.Join(", ", change.Fields.Select(f => f.Field));
                notes.Add(waiting
                    ? $"'{node.Node.DisplayName}' is already waiting: what it evaluated when it started stands (its changed {fields} apply the next time it runs)."
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

        foreach (var frame in state.Frames.Values.ToList())
        {
            var path = MapPath(frame.NodePath, map);
            var moved = string.Equals(path, frame.NodePath, StringComparison.Ordinal) ? frame : new ActivityFrame
            {
                Id = frame.Id, NodePath = path, ParentId = frame.ParentId, Status = frame.Status, Variables = frame.Variables,
                ScopeInput = frame.ScopeInput, ScopeOutput = frame.ScopeOutput, State = frame.State, Tag = frame.Tag,
                IsWorkflowScope = frame.IsWorkflowScope, IsTriggerOfInstance = frame.IsTriggerOfInstance, ScheduledAt = frame.ScheduledAt,
            };
            if (moved.State is FlowchartState flowchart && from.FindNode(frame.NodePath)?.Flowchart is { } before && to.FindNode(path)?.Flowchart is { } after)
            {
                flowchart.Rounds = flowchart.Rounds.ToDictionary(
                    r => MapPath(r.Key, map),
                    r => new JoinRound { Live = RemapIndexes(r.Value.Live, before, after, map), Dead = RemapIndexes(r.Value.Dead, before, after, map), Fired = r.Value.Fired },
                    StringComparer.Ordinal);
            }
            state.Frames[frame.Id] = moved;
        }
        for (var i = 0; i < state.Bookmarks.Count; i++)
        {
            var b = state.Bookmarks[i];
            if (!map.TryGetValue(b.ActivityId, out var renamed)) continue;
            state.Bookmarks[i] = new Bookmark { Id = b.Id, FrameId = b.FrameId, ActivityId = renamed, Name = b.Name, StimulusHash = b.StimulusHash, Payload = b.Payload, DueAt = b.DueAt, CreatedAt = b.CreatedAt };
        }
        foreach (var (oldId, newId) in map)
        {
            if (state.ActivityOutputs.Remove(oldId, out var outputs)) state.ActivityOutputs[newId] = outputs;
        }
        if (RootScope(state) is { } scope)
        {
            scope.Variables ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var variable in to.Variables.Where(v => !scope.Variables.ContainsKey(v.Name)))
            {
                scope.Variables[variable.Name] = variable.InitialValue?.DeepClone();
                state.Variables[variable.Name] = variable.InitialValue?.DeepClone();
            }
        }

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
        var targetPath = MapPath(frame.NodePath, map);
        var target = to.FindNode(targetPath);
        var what = state.Bookmarks.Any(b => b.FrameId == frame.Id) ? "is waiting" : frame.Status == FrameStatus.Faulted ? "has faulted" : "is under way";
        if (source is null)
        {
            blocking.Add(new MigrationIssue(frame.NodePath, $"'{frame.NodePath}' {what} but is not in the version the instance runs; the instance state is inconsistent."));
            return;
        }
        if (target is null)
        {
            var candidates = to.Nodes.Values.Where(n => n.Type == source.Type && from.FindNode(n.Path) is null).Select(n => n.Path).ToList();
            var hint = candidates.Count > 0
                ? $" Map it to one of the same type added in that version: {string.Join(", ", candidates)}."
                : $" Version {to.Definition.Version} adds no {source.Descriptor.DisplayName} activity to map it to.";
            blocking.Add(new MigrationIssue(frame.NodePath, $"{Name(source)} {what}, and version {to.Definition.Version} has no activity '{targetPath}'.{hint}"));
            return;
        }
        if (!string.Equals(source.Type, target.Type, StringComparison.Ordinal))
        {
            blocking.Add(new MigrationIssue(frame.NodePath, $"{Name(source)} {what} as {source.Descriptor.DisplayName} ({source.Type}); in version {to.Definition.Version} '{targetPath}' is {target.Descriptor.DisplayName} ({target.Type}). An activity under way keeps its type."));
            return;
        }
        if (frame.ParentId is not null && state.Frames.TryGetValue(frame.ParentId, out var parent) && target.Parent is not null
            && !string.Equals(target.Parent.Path, MapPath(parent.NodePath, map), StringComparison.Ordinal))
        {
            blocking.Add(new MigrationIssue(frame.NodePath, $"{Name(source)} {what} inside '{parent.NodePath}'; version {to.Definition.Version} moved it into '{target.Parent.Path}'."));
        }
        switch (frame.State)
        {
            case CounterState when !ChildPaths(source, map).SequenceEqual(ChildPaths(target, null), StringComparer.Ordinal):
                blocking.Add(new MigrationIssue(frame.NodePath, $"{Name(source)} is part-way through its activities, and version {to.Definition.Version} changed them ({string.Join(", ", ChildPaths(source, map))} → {string.Join(", ", ChildPaths(target, null))}); its position would point elsewhere."));
                break;
            case FlowchartState flowchart when source.Flowchart is { } before && target.Flowchart is { } after:
                foreach (var (joinPath, round) in flowchart.Rounds)
                {
                    foreach (var index in round.Live.Concat(round.Dead))
                    {
                        var connection = before.Connections.FirstOrDefault(c => c.Index == index);
                        if (connection is null || Find(after, connection, map) is null)
                        {
                            var described = connection is null ? $"connection #{index}" : $"{connection.Source.Path}:{connection.SourcePort} → {connection.Target.Path}";
                            blocking.Add(new MigrationIssue(joinPath, $"'{joinPath}' is waiting for the rest of its inbound connections and has had a token from {described}, which version {to.Definition.Version} removed."));
                        }
                    }
                }
                break;
        }
    }

    /// <summary>'Manager approval' (Approve1), or 'Approve1' when the activity has no name of its own.</summary>
    private static string Name(PlanNode node) =>
        string.Equals(node.Node.DisplayName, node.Path, StringComparison.Ordinal) ? $"'{node.Path}'" : $"'{node.Node.DisplayName}' ({node.Path})";

    private static ActivityFrame? RootScope(WorkflowState state) =>
        state.Frames.Values.FirstOrDefault(f => f.ParentId is null && f.IsWorkflowScope);

    private static string MapPath(string path, IReadOnlyDictionary<string, string> map) => map.GetValueOrDefault(path) ?? path;

    private static IEnumerable<string> ChildPaths(PlanNode node, IReadOnlyDictionary<string, string>? map) =>
        node.Activities.Concat(node.Slots.Values).Concat(node.ListSlots.Values.SelectMany(l => l)).Select(c => map is null ? c.Path : MapPath(c.Path, map));

    private static PlanConnection? Find(FlowchartPlan plan, PlanConnection connection, IReadOnlyDictionary<string, string> map) =>
        plan.Connections.FirstOrDefault(c => c.Source.Path == MapPath(connection.Source.Path, map) && c.Target.Path == MapPath(connection.Target.Path, map)
            && string.Equals(c.SourcePort, connection.SourcePort, StringComparison.OrdinalIgnoreCase));

    private static List<int> RemapIndexes(List<int> indexes, FlowchartPlan before, FlowchartPlan after, IReadOnlyDictionary<string, string> map) =>
        indexes.Select(i => before.Connections.FirstOrDefault(c => c.Index == i) is { } c && Find(after, c, map) is { } found ? found.Index : -1).Where(i => i >= 0).ToList();
}
