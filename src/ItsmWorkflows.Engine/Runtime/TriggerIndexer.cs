using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Activities.Events;
using ItsmWorkflows.Engine.Activities.Http;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Expressions;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>
/// Lists the triggers of a compiled definition: trigger activities of the root flowchart that are marked
/// "can start workflow", or that are where the flowchart starts. Only literal inputs are indexed; a route
/// or event name computed by a script is evaluated when the definition is published.
/// </summary>
public static class TriggerIndexer
{
    public static IReadOnlyList<WorkflowTrigger> Index(DefinitionPlan plan, IExpressionScope? scope = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var triggers = new List<WorkflowTrigger>();
        var flowchart = plan.Root.Flowchart;
        var candidates = flowchart is null ? [plan.Root] : plan.Root.Activities.Where(a => a.Node.CanStartWorkflow || flowchart.Starts.Contains(a));
        foreach (var node in candidates)
        {
            if (node.Descriptor.Kind != ActivityKind.Trigger) continue;
            foreach (var (stimulus, payload) in Stimuli(node, scope))
            {
                triggers.Add(new WorkflowTrigger(plan.Definition.DefinitionId, plan.Definition.Id, node.Id, node.Type, StimulusHash.Compute(node.Type, stimulus), payload));
            }
        }
        return triggers;
    }

    private static IEnumerable<(string Stimulus, JsonObject Payload)> Stimuli(PlanNode node, IExpressionScope? scope)
    {
        JsonNode? Read(string name) =>
            node.Inputs.TryGetValue(name, out var input) && (input.Expression is null || input.Expression.IsConstant || scope is not null)
                ? (scope is null ? input.Expression?.Constant ?? input.Descriptor.DefaultValue : input.Evaluate(scope))
                : null;

        switch (node.Type)
        {
            case "Elsa.HttpEndpoint":
                var path = ValueConverter.ToText(Read("path"));
                if (string.IsNullOrWhiteSpace(path)) yield break;
                var methods = ValueConverter.ToStringList(Read("supportedMethods"));
                var authorize = ValueConverter.ToBool(Read("authorize"));
                var policy = ValueConverter.ToText(Read("policy"));
                foreach (var method in methods.Count == 0 ? ["GET"] : methods)
                {
                    yield return (HttpEndpoint.Stimulus(method, path), new JsonObject
                    {
                        ["method"] = method.ToUpperInvariant(),
                        ["path"] = HttpEndpoint.NormalizePath(path),
                        ["authorize"] = authorize,
                        ["policy"] = string.IsNullOrWhiteSpace(policy) ? null : policy,
                    });
                }
                break;
            case "Elsa.Event":
                var eventName = ValueConverter.ToText(Read("eventName"));
                if (!string.IsNullOrWhiteSpace(eventName)) yield return (Event.Stimulus(eventName), new JsonObject { ["eventName"] = eventName });
                break;
            case "Elsa.Cron":
                var cron = ValueConverter.ToText(Read("cronExpression"));
                if (!string.IsNullOrWhiteSpace(cron)) yield return ("cron:" + cron, new JsonObject { ["cronExpression"] = cron, ["timeZone"] = ValueConverter.ToText(Read("timeZone")) });
                break;
            case "Elsa.Timer":
                var interval = ValueConverter.ToText(Read("interval"));
                if (!string.IsNullOrWhiteSpace(interval)) yield return ("interval:" + interval, new JsonObject { ["interval"] = interval });
                break;
            case "Elsa.StartAt":
                var at = ValueConverter.ToText(Read("dateTime"));
                if (!string.IsNullOrWhiteSpace(at)) yield return ("at:" + at, new JsonObject { ["dateTime"] = at, ["timeZone"] = ValueConverter.ToText(Read("timeZone")) });
                break;
        }
    }
}
