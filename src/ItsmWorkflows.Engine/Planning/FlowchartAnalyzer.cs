namespace ItsmWorkflows.Engine.Planning;

/// <summary>Resolves a flowchart's connections, picks its start, finds loop-back edges and unreachable activities.</summary>
internal static class FlowchartAnalyzer
{
    public static FlowchartPlan Analyze(PlanNode flowchart, List<PlanIssue> issues)
    {
        var children = flowchart.Activities;
        var byId = new Dictionary<string, PlanNode>(StringComparer.Ordinal);
        foreach (var child in children) byId.TryAdd(child.Id, child);

        var resolved = new List<(PlanNode Source, string Port, PlanNode Target)>();
        foreach (var connection in flowchart.Node.Connections ?? [])
        {
            if (!byId.TryGetValue(connection.Source, out var source))
            {
                issues.Add(new PlanIssue(flowchart.Id, "connections", $"A connection starts at activity '{connection.Source}', which is not in flowchart '{flowchart.Node.DisplayName}'."));
                continue;
            }
            if (!byId.TryGetValue(connection.Target, out var target))
            {
                issues.Add(new PlanIssue(flowchart.Id, "connections", $"A connection from '{source.Node.DisplayName}' ({connection.SourcePort}) ends at activity '{connection.Target}', which is not in flowchart '{flowchart.Node.DisplayName}'."));
                continue;
            }
            resolved.Add((source, connection.SourcePort, target));
        }

        var hasInbound = new HashSet<string>(resolved.Select(c => c.Target.Path), StringComparer.Ordinal);
        var starts = new List<PlanNode>();
        var startId = flowchart.Node.Properties["start"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? flowchart.Node.Properties["start"]!.GetValue<string>() : null;
        if (startId is not null && byId.TryGetValue(startId, out var explicitStart)) starts.Add(explicitStart);
        else if (children.FirstOrDefault(c => c.Type == "Elsa.Start") is { } startActivity) starts.Add(startActivity);
        else if (children.FirstOrDefault(c => !hasInbound.Contains(c.Path)) is { } root) starts.Add(root);
        else if (children.Count > 0) starts.Add(children[0]);

        // Roots for reachability: the start, and triggers that can start the workflow on their own.
        var roots = new List<PlanNode>(starts);
        roots.AddRange(children.Where(c => c.Descriptor.Kind == Activities.ActivityKind.Trigger && !hasInbound.Contains(c.Path) && !roots.Contains(c)));

        var outgoingLists = new Dictionary<string, List<(PlanNode Source, string Port, PlanNode Target, int Index)>>(StringComparer.Ordinal);
        for (var i = 0; i < resolved.Count; i++)
        {
            var c = resolved[i];
            if (!outgoingLists.TryGetValue(c.Source.Path, out var list)) outgoingLists[c.Source.Path] = list = [];
            list.Add((c.Source, c.Port, c.Target, i));
        }

        // Depth-first search from the roots: an edge to an activity on the current path closes a loop.
        var backEdges = new HashSet<int>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        void Visit(PlanNode node)
        {
            visited.Add(node.Path);
            onPath.Add(node.Path);
            if (outgoingLists.TryGetValue(node.Path, out var edges))
            {
                foreach (var edge in edges)
                {
                    if (onPath.Contains(edge.Target.Path)) backEdges.Add(edge.Index);
                    else if (!visited.Contains(edge.Target.Path)) Visit(edge.Target);
                }
            }
            onPath.Remove(node.Path);
        }
        foreach (var root in roots)
        {
            if (!visited.Contains(root.Path)) Visit(root);
        }
        var reachable = new HashSet<string>(visited, StringComparer.Ordinal);
        var unreachable = children.Where(c => !reachable.Contains(c.Path)).ToList();
        foreach (var node in unreachable)
        {
            if (!visited.Contains(node.Path)) Visit(node);
        }

        var connections = resolved.Select((c, i) => new PlanConnection(i, c.Source, c.Port, c.Target, backEdges.Contains(i))).ToList();
        var outgoing = connections.GroupBy(c => c.Source.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var inboundForward = connections.Where(c => !c.IsBackEdge && reachable.Contains(c.Source.Path))
            .GroupBy(c => c.Target.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var inboundAll = connections.Where(c => reachable.Contains(c.Source.Path))
            .GroupBy(c => c.Target.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

        return new FlowchartPlan
        {
            Connections = connections,
            Outgoing = outgoing,
            InboundForward = inboundForward,
            InboundAll = inboundAll,
            Starts = starts,
            Unreachable = unreachable,
        };
    }
}
