using ItsmWorkflows.Engine.Runtime;

namespace ItsmWorkflows.Engine.Validation;

/// <summary>An HTTP route (path and method) can start only one published definition; a second one is refused at publish.</summary>
public static class RouteConflicts
{
    public static IReadOnlyList<ValidationIssue> Find(IReadOnlyList<WorkflowTrigger> candidate, IEnumerable<WorkflowTrigger> published)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(published);
        var taken = published.Where(t => t.ActivityType == "Elsa.HttpEndpoint").ToLookup(t => t.StimulusHash, StringComparer.Ordinal);
        var issues = new List<ValidationIssue>();
        foreach (var trigger in candidate.Where(t => t.ActivityType == "Elsa.HttpEndpoint"))
        {
            var owner = taken[trigger.StimulusHash].FirstOrDefault(t => t.DefinitionId != trigger.DefinitionId);
            if (owner is null) continue;
            var path = trigger.Payload["path"]?.GetValue<string>();
            var method = trigger.Payload["method"]?.GetValue<string>();
            issues.Add(new ValidationIssue(ValidationSeverity.Error, trigger.ActivityId, "path",
                $"The {path} path and {method} method are already used by workflow '{owner.DefinitionId}'; choose another path, or retire that workflow first."));
        }
        return issues;
    }
}
