using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Migration;

/// <summary>What a move means for a flowchart under way: its join rounds, the joins live branches still reach, its connection numbers.</summary>
internal static class MigrationJoins
{
    /// <summary>
    /// A join counts the tokens of its inbound connections. Tokens already sent are not sent again, so a join that a live
    /// branch can still reach (or that holds some tokens) must keep exactly its inbound connections, and every token it
    /// holds must have come over a connection that still exists.
    /// </summary>
    internal static void CheckJoins(WorkflowState state, ActivityFrame frame, FlowchartState flowchart, FlowchartPlan before, FlowchartPlan after, IReadOnlyDictionary<string, string> map, int toVersion, List<MigrationIssue> blocking)
    {
        foreach (var (joinPath, round) in flowchart.Rounds)
        {
            foreach (var index in round.Live.Concat(round.Dead))
            {
                var connection = before.Connections.FirstOrDefault(c => c.Index == index);
                if (connection is null || Find(after, connection, map) is null)
                {
                    var described = connection is null ? $"connection #{index}" : $"{connection.Source.Path}:{connection.SourcePort} → {connection.Target.Path}";
                    blocking.Add(new MigrationIssue(joinPath, $"'{joinPath}' is waiting for the rest of its inbound connections and has had a token from {described}, which version {toVersion} removed."));
                }
            }
        }
        var reachable = new HashSet<string>(flowchart.Rounds.Keys.Select(k => MigrationMap.MapPath(k, map)), StringComparer.Ordinal);
        var queue = new Queue<string>(state.Frames.Values.Where(f => f.ParentId == frame.Id).Select(f => MigrationMap.MapPath(f.NodePath, map)));
        while (queue.TryDequeue(out var path))
        {
            foreach (var next in after.Outgoing.GetValueOrDefault(path) ?? [])
            {
                if (reachable.Add(next.Target.Path)) queue.Enqueue(next.Target.Path);
            }
        }
        // The old version's joins by their path in the target (through the map, prefixes included).
        var oldTargets = before.InboundAll.Keys.Concat(before.InboundForward.Keys).Distinct(StringComparer.Ordinal).ToDictionary(k => MigrationMap.MapPath(k, map), k => k, StringComparer.Ordinal);
        foreach (var path in reachable.Order(StringComparer.Ordinal))
        {
            var oldPath = oldTargets.GetValueOrDefault(path);
            var oldMode = oldPath is null ? (MergeMode?)null : before.InboundAll.GetValueOrDefault(oldPath)?.FirstOrDefault()?.Target.MergeMode;
            var newMode = after.InboundAll.GetValueOrDefault(path)?.FirstOrDefault()?.Target.MergeMode;
            var was = oldPath is null ? [] : Inbound(before, oldPath, oldMode).Select(c => $"{MigrationMap.MapPath(c.Source.Path, map)}:{c.SourcePort}").Order(StringComparer.Ordinal).ToList();
            var now = Inbound(after, path, newMode).Select(c => $"{c.Source.Path}:{c.SourcePort}").Order(StringComparer.Ordinal).ToList();
            if (was.Count <= 1 && now.Count <= 1) continue;
            if (!was.SequenceEqual(now, StringComparer.Ordinal))
            {
                blocking.Add(new MigrationIssue(path, $"'{path}' joins its inbound connections and live branches still lead to it; version {toVersion} changed them ({string.Join(", ", was)} → {string.Join(", ", now)}), so it would wait for a token no branch sends or count one it no longer expects."));
            }
            else if (oldMode != newMode)
            {
                blocking.Add(new MigrationIssue(path, $"'{path}' joins its inbound connections and live branches still lead to it; version {toVersion} changed how ({oldMode} → {newMode}), so tokens already counted under one rule would be judged by the other (it could run twice or never)."));
            }
        }
    }

    /// <summary>What a join counts: its forward inbound connections, or for Converge every inbound one (loop-backs too).</summary>
    private static PlanConnection[] Inbound(FlowchartPlan plan, string path, MergeMode? mode) =>
        (mode == MergeMode.Converge ? plan.InboundAll.GetValueOrDefault(path) : plan.InboundForward.GetValueOrDefault(path)) ?? [];

    private static PlanConnection? Find(FlowchartPlan plan, PlanConnection connection, IReadOnlyDictionary<string, string> map) =>
        plan.Connections.FirstOrDefault(c => c.Source.Path == MigrationMap.MapPath(connection.Source.Path, map) && c.Target.Path == MigrationMap.MapPath(connection.Target.Path, map)
            && string.Equals(c.SourcePort, connection.SourcePort, StringComparison.OrdinalIgnoreCase));

    internal static List<int> RemapIndexes(List<int> indexes, FlowchartPlan before, FlowchartPlan after, IReadOnlyDictionary<string, string> map) =>
        indexes.Select(i => before.Connections.FirstOrDefault(c => c.Index == i) is { } c && Find(after, c, map) is { } found ? found.Index : -1).Where(i => i >= 0).ToList();
}
