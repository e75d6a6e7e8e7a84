using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Expressions;
using ItsmWorkflows.Engine.Planning;
using ItsmWorkflows.Engine.Runtime;

namespace ItsmWorkflows.Engine.Validation;

/// <summary>
/// Checks a definition before it is published: unknown activity types, duplicate ids, dangling
/// connections, unknown ports, unreachable activities, missing required inputs, scripts and templates
/// that do not parse, unsupported expression languages, and a workflow with no way to start.
/// </summary>
public sealed class WorkflowValidator(ActivityRegistry registry, IWorkflowDefinitionProvider? provider = null)
{
    public async ValueTask<ValidationResult> ValidateAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var plan = await new PlanCompiler(registry, provider).CompileAsync(definition, cancellationToken);
        return Validate(plan);
    }

    public static ValidationResult Validate(DefinitionPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var issues = new List<ValidationIssue>();
        foreach (var issue in plan.Issues.Distinct()) issues.Add(new ValidationIssue(ValidationSeverity.Error, issue.ActivityId, issue.Field, issue.Message));

        var definition = plan.Definition;
        foreach (var group in definition.Variables.GroupBy(v => v.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            issues.Add(new ValidationIssue(ValidationSeverity.Error, null, "variables", $"Variable name '{group.Key}' is declared {group.Count()} times; variable names must be unique."));
        }

        var root = plan.Root;
        if (root.Flowchart is not null && root.Activities.Count == 0 && root.Node.Activities is { Count: 0 })
        {
            issues.Add(new ValidationIssue(ValidationSeverity.Error, root.Id, null, "The workflow has no activities, so it has nothing to run. Add at least one activity."));
        }

        // Only this definition's own nodes: a definition used as an activity is validated when it is published.
        foreach (var node in plan.Nodes.Values.Where(n => n.Owner == plan))
        {
            if (node.Behaviour is UnknownActivity) continue;
            CheckRequiredInputs(node, issues);
            CheckChoices(node, issues);
            if (node.Flowchart is { } flowchart) CheckFlowchart(node, flowchart, issues);
        }
        return new ValidationResult(issues);
    }

    private static void CheckRequiredInputs(PlanNode node, List<ValidationIssue> issues)
    {
        foreach (var input in node.Descriptor.Inputs)
        {
            if (!input.IsRequired || input.DefaultValue is not null) continue;
            if (node.Inputs.TryGetValue(input.Name, out var compiled) && (compiled.HasValue || compiled.Error is not null)) continue;
            issues.Add(new ValidationIssue(ValidationSeverity.Error, node.Id, input.Name,
                $"Activity '{node.Node.DisplayName}' ({node.Descriptor.DisplayName}) needs a value for '{input.DisplayName}'."));
        }
    }

    /// <summary>A fixed value an input takes only from its choices (a notification template's name): a typo is caught here, not by every run.</summary>
    private static void CheckChoices(PlanNode node, List<ValidationIssue> issues)
    {
        foreach (var input in node.Descriptor.Inputs)
        {
            if (!input.OnlyOptions || input.Options is not { Count: > 0 } options) continue;
            if (!node.Inputs.TryGetValue(input.Name, out var compiled) || compiled.Expression is not { IsConstant: true } expression) continue;
            if (expression.Constant is not System.Text.Json.Nodes.JsonValue value || !value.TryGetValue<string>(out var text) || string.IsNullOrWhiteSpace(text)) continue;
            // Not trimmed: the activities do not trim either (" Hierarchical" ran as Functional).
            if (options.Any(o => string.Equals(o, text, StringComparison.OrdinalIgnoreCase))) continue;
            issues.Add(new ValidationIssue(ValidationSeverity.Error, node.Id, input.Name,
                $"Activity '{node.Node.DisplayName}' ({node.Descriptor.DisplayName}): '{text}' is not a {input.DisplayName.ToLowerInvariant()} it knows; use one of: {string.Join(", ", options)}."));
        }
    }

    private static void CheckFlowchart(PlanNode flowchart, FlowchartPlan plan, List<ValidationIssue> issues)
    {
        foreach (var connection in plan.Connections)
        {
            var source = connection.Source;
            if (source.Behaviour is UnknownActivity) continue;
            var ports = OutcomesOf(source);
            if (ports is null || ports.Contains(connection.SourcePort, StringComparer.OrdinalIgnoreCase)) continue;
            issues.Add(new ValidationIssue(ValidationSeverity.Error, source.Id, "connections",
                $"Activity '{source.Node.DisplayName}' has no outcome '{connection.SourcePort}' (it has: {(ports.Count == 0 ? "none" : string.Join(", ", ports))}); reconnect the arrow to '{connection.Target.Node.DisplayName}' from an existing outcome."));
        }
        foreach (var node in plan.Unreachable)
        {
            issues.Add(new ValidationIssue(ValidationSeverity.Warning, node.Id, null,
                $"Activity '{node.Node.DisplayName}' in '{flowchart.Node.DisplayName}' can never run: no path from the start leads to it."));
        }
        var targets = plan.Connections.Select(c => c.Target).ToHashSet();
        if (flowchart.Activities.Count > 0
            && flowchart.Node.Properties["start"] is null
            && flowchart.Activities.All(a => targets.Contains(a) && a.Type != "Elsa.Start"))
        {
            issues.Add(new ValidationIssue(ValidationSeverity.Error, flowchart.Id, "start",
                $"Flowchart '{flowchart.Node.DisplayName}' has no way to start: every activity has an incoming connection. Add a Start activity or mark one activity as the start."));
        }
    }

    /// <summary>The outcome ports of a node, or null when they are computed at run time and cannot be checked.</summary>
    public static IReadOnlyList<string>? OutcomesOf(PlanNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var descriptor = node.Descriptor;
        var ports = new List<string>(descriptor.Outcomes);
        if (descriptor.DynamicOutcomesFrom is { } inputName)
        {
            if (node.Prepared is IReadOnlyList<Activities.Flow.SwitchCase> cases)
            {
                ports.AddRange(cases.Select(c => c.Label));
            }
            else if (node.Inputs.TryGetValue(inputName, out var input))
            {
                if (input.Expression is { IsConstant: false }) return null;
                ports.AddRange(ValueConverter.ToStringList(input.Expression?.Constant));
            }
        }
        return ports;
    }
}
