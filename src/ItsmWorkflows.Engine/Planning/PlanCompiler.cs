using System.Text.Json;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Activities.Composition;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Expressions;
using ItsmWorkflows.Engine.Runtime;

namespace ItsmWorkflows.Engine.Planning;

/// <summary>Compiles a definition version into a <see cref="DefinitionPlan"/>. Problems become <see cref="PlanIssue"/>s, never exceptions.</summary>
public sealed class PlanCompiler(ActivityRegistry registry, IWorkflowDefinitionProvider? provider = null)
{
    private const int MaxDefinitionDepth = 16;

    public async ValueTask<DefinitionPlan> CompileAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var nodes = new Dictionary<string, PlanNode>(StringComparer.Ordinal);
        return await CompileDefinitionAsync(definition, "", nodes, [], null, cancellationToken);
    }

    private sealed record Resolved(IActivity Behaviour, ActivityDescriptor Descriptor, WorkflowDefinition? Child);

    private async ValueTask<DefinitionPlan> CompileDefinitionAsync(
        WorkflowDefinition definition, string prefix, Dictionary<string, PlanNode> nodes, List<string> stack, List<PlanIssue>? parentIssues, CancellationToken cancellationToken)
    {
        var plan = new DefinitionPlan { Definition = definition, PathPrefix = prefix, Nodes = nodes, Helpers = new ScriptHelperCatalog() };
        var helpers = plan.Helpers;

        foreach (var variable in definition.Variables)
        {
            plan.Variables.Add(ToVariablePlan(variable.Id, variable.Name, variable.TypeName, variable.Value, null, plan));
            plan.VariableNamesById[variable.Id] = variable.Name;
            helpers.AddVariable(variable.Name);
        }
        foreach (var input in definition.Inputs) helpers.AddInput(input.Name);
        foreach (var output in definition.Outputs) plan.OutputNames.Add(output.Name);
        helpers.AddVariable("CurrentValue");
        helpers.AddVariable("CurrentIndex");

        // First pass: resolve every activity's behaviour, so output helpers exist before any script compiles.
        var resolved = new Dictionary<ActivityNode, Resolved>(ReferenceEqualityComparer.Instance);
        foreach (var node in definition.AllActivities())
        {
            var r = await ResolveAsync(node, stack, definition, plan, cancellationToken);
            resolved[node] = r;
            if (!string.IsNullOrEmpty(node.Name)) plan.ActivityIdsByName.TryAdd(node.Name, node.Id);
            foreach (var output in r.Descriptor.Outputs)
            {
                helpers.AddActivityOutput(node.Name ?? node.Id, output.Name);
                if (node.Name is not null && node.Name != node.Id) helpers.AddActivityOutput(node.Id, output.Name);
            }
            if (node.Properties["variables"] is JsonArray containerVariables)
            {
                foreach (var v in containerVariables.OfType<JsonObject>())
                {
                    if (v["name"] is JsonValue name && name.GetValueKind() == JsonValueKind.String)
                    {
                        helpers.AddVariable(name.GetValue<string>());
                        if (v["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String) plan.VariableNamesById.TryAdd(id.GetValue<string>(), name.GetValue<string>());
                    }
                }
            }
        }

        stack.Add(definition.DefinitionId);
        try
        {
            plan.Root = await CompileNodeAsync(definition.Root, null, plan, prefix, resolved, stack, cancellationToken);
        }
        finally
        {
            stack.RemoveAt(stack.Count - 1);
        }
        parentIssues?.AddRange(plan.Issues);
        return plan;
    }

    private async ValueTask<Resolved> ResolveAsync(ActivityNode node, List<string> stack, WorkflowDefinition owner, DefinitionPlan plan, CancellationToken cancellationToken)
    {
        if (registry.TryGet(node.Type, out var behaviour)) return new Resolved(behaviour, behaviour.Descriptor, null);

        var definitionId = node.GetProperty("workflowDefinitionId") is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        if (definitionId is not null || provider is not null)
        {
            WorkflowDefinition? child = null;
            if (provider is not null)
            {
                var versionId = node.GetProperty("workflowDefinitionVersionId") is JsonValue vv && vv.GetValueKind() == JsonValueKind.String ? vv.GetValue<string>() : null;
                if (definitionId is not null) child = await provider.FindAsync(definitionId, versionId, cancellationToken);
                child ??= await provider.FindByActivityTypeAsync(node.Type, cancellationToken);
            }
            if (child is not null)
            {
                if (stack.Contains(child.DefinitionId) || child.DefinitionId == owner.DefinitionId || stack.Count >= MaxDefinitionDepth)
                {
                    plan.Issues.Add(new PlanIssue(node.Id, null, $"Activity '{node.DisplayName}' uses workflow '{child.Name ?? child.DefinitionId}', which uses this workflow again: a definition cannot contain itself."));
                }
                else
                {
                    var definitionActivity = new WorkflowDefinitionActivity(node.Type, child);
                    return new Resolved(definitionActivity, definitionActivity.Descriptor, child);
                }
            }
            else if (definitionId is not null)
            {
                plan.Issues.Add(new PlanIssue(node.Id, "workflowDefinitionId", $"Activity '{node.DisplayName}' uses workflow definition '{definitionId}' ({node.Type}), which is not available."));
                var unavailable = new UnknownActivity(node.Type);
                return new Resolved(unavailable, unavailable.Descriptor, null);
            }
        }
        if (node.Type is "Elsa.RunCSharp" or "Elsa.RunPython")
        {
            var language = node.Type == "Elsa.RunCSharp" ? "C#" : "Python";
            plan.Issues.Add(new PlanIssue(node.Id, "type", $"Activity '{node.DisplayName}' runs {language} code ({node.Type}), which is not supported: it cannot be sandboxed. Use Run JavaScript instead."));
            var refused = new UnknownActivity(node.Type);
            return new Resolved(refused, refused.Descriptor, null);
        }
        var suggestion = TypeSuggestion.Closest(node.Type, registry.Descriptors.Select(d => d.TypeName)) is { } closest ? $" Did you mean '{closest}'?" : "";
        plan.Issues.Add(new PlanIssue(node.Id, "type", $"Activity '{node.DisplayName}' has type '{node.Type}', which ItsmWorkflows does not know.{suggestion} It is kept so the definition can be edited, but the definition cannot be published until it is replaced."));
        var unknown = new UnknownActivity(node.Type);
        return new Resolved(unknown, unknown.Descriptor, null);
    }

    private async ValueTask<PlanNode> CompileNodeAsync(
        ActivityNode node, PlanNode? parent, DefinitionPlan plan, string prefix, Dictionary<ActivityNode, Resolved> resolved, List<string> stack, CancellationToken cancellationToken)
    {
        var r = resolved[node];
        var path = prefix + node.Id;
        if (plan.Nodes.ContainsKey(path))
        {
            plan.Issues.Add(new PlanIssue(node.Id, "id", $"Activity id '{node.Id}' is used more than once; every activity needs its own id."));
            var n = 2;
            while (plan.Nodes.ContainsKey($"{path}#{n}")) n++;
            path = $"{path}#{n}";
        }
        var planNode = new PlanNode { Path = path, Node = node, Behaviour = r.Behaviour, Descriptor = r.Descriptor, Owner = plan, Parent = parent };
        plan.Nodes[path] = planNode;

        CompileInputs(planNode, plan);
        CompileOutputs(planNode, plan);
        planNode.MergeMode = ReadMergeMode(planNode);
        if (node.Properties["variables"] is JsonArray variables)
        {
            planNode.Variables = [.. variables.OfType<JsonObject>().Select(v => ToVariablePlan(
                (v["id"] as JsonValue)?.ToString() ?? "", (v["name"] as JsonValue)?.ToString() ?? "", (v["typeName"] as JsonValue)?.ToString() ?? "Object", v["value"], node.Id, plan))
                .Where(v => v.Name.Length > 0)];
        }

        if (node.Activities is not null)
        {
            foreach (var child in node.Activities) planNode.Activities.Add(await CompileNodeAsync(child, planNode, plan, prefix, resolved, stack, cancellationToken));
        }
        foreach (var slot in node.Slots)
        {
            planNode.Slots[slot.Key] = await CompileNodeAsync(slot.Value, planNode, plan, prefix, resolved, stack, cancellationToken);
        }
        foreach (var list in node.ListSlots)
        {
            var compiled = new List<PlanNode>(list.Value.Count);
            foreach (var child in list.Value) compiled.Add(await CompileNodeAsync(child, planNode, plan, prefix, resolved, stack, cancellationToken));
            planNode.ListSlots[list.Key] = compiled;
        }
        if (r.Child is not null)
        {
            planNode.ChildDefinition = await CompileDefinitionAsync(r.Child, path + "/", plan.Nodes, stack, plan.Issues, cancellationToken);
        }
        if (node.Connections is not null || node.Type == "Elsa.Flowchart")
        {
            planNode.Flowchart = FlowchartAnalyzer.Analyze(planNode, plan.Issues);
        }
        if (r.Behaviour is IPreparingActivity preparing)
        {
            try
            {
                planNode.Prepared = preparing.Prepare(planNode);
            }
            catch (Exception ex) when (ex is FormatException or ExpressionCompileException or ArgumentException)
            {
                plan.Issues.Add(new PlanIssue(node.Id, null, $"Activity '{node.DisplayName}': {ex.Message}"));
            }
        }
        return planNode;
    }

    private static void CompileInputs(PlanNode planNode, DefinitionPlan plan)
    {
        // Any script of this activity (its inputs, a switch's cases…) may call currentTicket(): the ticket is read before it runs.
        planNode.ReadsTicket = planNode.Node.Properties.ToJsonString().Contains("currentTicket", StringComparison.Ordinal);
        foreach (var input in planNode.Descriptor.Inputs)
        {
            var raw = planNode.Node.GetProperty(input.Name);
            // A plain (unwrapped) input such as SetVariable's variable reference is taken as written, even when it has a typeName.
            var binding = !input.IsWrapped && raw is JsonObject unwrapped && !unwrapped.ContainsKey("expression")
                ? new PropertyBinding(null, null, null, raw)
                : PropertyBinding.From(raw);
            var typeName = input.TypeName;
            CompiledExpression? expression = null;
            string? error = null;
            try
            {
                if (binding?.Expression is { } model)
                {
                    expression = ExpressionCompiler.Compile(model, typeName, plan.Helpers);
                }
                else if (binding?.PlainValue is { } plain)
                {
                    expression = new ConstantExpression(ValueConverter.Convert(plain.DeepClone(), typeName));
                }
            }
            catch (Exception ex) when (ex is ExpressionCompileException or FormatException)
            {
                error = ex.Message;
                plan.Issues.Add(new PlanIssue(planNode.Id, input.Name, $"Activity '{planNode.Node.DisplayName}', input '{input.DisplayName}': {ex.Message}"));
            }
            planNode.Inputs[input.Name] = new CompiledInput(input, expression, error, typeName);
        }
    }

    private static void CompileOutputs(PlanNode planNode, DefinitionPlan plan)
    {
        foreach (var output in planNode.Descriptor.Outputs)
        {
            var binding = PropertyBinding.From(planNode.Node.GetProperty(output.Name));
            var reference = binding?.MemoryReferenceId;
            if (string.IsNullOrEmpty(reference) || binding?.Expression is not null) continue;
            if (plan.VariableNamesById.TryGetValue(reference, out var variableName))
            {
                planNode.Outputs[output.Name] = new OutputTarget(false, variableName);
            }
            else if (plan.OutputNames.Contains(reference))
            {
                planNode.Outputs[output.Name] = new OutputTarget(true, reference);
            }
            else if (plan.Variables.Any(v => v.Name == reference))
            {
                planNode.Outputs[output.Name] = new OutputTarget(false, reference);
            }
            // Any other id is a designer-generated memory slot with no variable behind it: the value stays in the activity's outputs only.
        }
    }

    private static MergeMode ReadMergeMode(PlanNode planNode)
    {
        if (planNode.Type is "Elsa.FlowJoin" or "Elsa.Join")
        {
            var mode = planNode.Inputs.TryGetValue("mode", out var input) && input.Expression?.IsConstant == true ? ValueConverter.ToText(input.Expression.Constant) : "WaitAll";
            return string.Equals(mode, "WaitAny", StringComparison.OrdinalIgnoreCase) ? MergeMode.WaitAny : MergeMode.Merge;
        }
        var custom = planNode.Node.CustomProperties?["mergeMode"] ?? planNode.Node.Properties["mergeMode"];
        return ValueConverter.ToText(custom) switch
        {
            "Merge" => MergeMode.Merge,
            "Converge" => MergeMode.Converge,
            "Stream" or "None" or "Cascade" => MergeMode.Stream,
            _ => MergeMode.Auto,
        };
    }

    private static VariablePlan ToVariablePlan(string id, string name, string typeName, JsonNode? value, string? activityId, DefinitionPlan plan)
    {
        JsonNode? initial = null;
        try
        {
            initial = value is JsonValue s && s.GetValueKind() == JsonValueKind.String && s.GetValue<string>().Length == 0 && ValueConverter.ShortTypeName(typeName) != "String"
                ? null
                : ValueConverter.Convert(value?.DeepClone(), typeName);
        }
        catch (FormatException ex)
        {
            plan.Issues.Add(new PlanIssue(activityId, "variables", $"Variable '{name}': the initial value is not a {ValueConverter.ShortTypeName(typeName)}: {ex.Message}"));
        }
        return new VariablePlan(id, name, typeName, initial);
    }
}
