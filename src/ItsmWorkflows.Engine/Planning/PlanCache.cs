using System.Collections.Concurrent;
using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Runtime;

namespace ItsmWorkflows.Engine.Planning;

/// <summary>
/// Compiled plans by definition version id, shared by every request of a process. Published versions never change;
/// a draft is compiled each time and never kept: it can be saved in place on another node, which could not evict
/// this one's copy, and a stale plan kept under its id would run once it is published.
/// </summary>
public sealed class PlanCache(ActivityRegistry registry)
{
    private readonly ConcurrentDictionary<string, DefinitionPlan> _plans = new(StringComparer.Ordinal);

    public ActivityRegistry Registry => registry;

    public async ValueTask<DefinitionPlan> GetAsync(WorkflowDefinition definition, IWorkflowDefinitionProvider? provider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (_plans.TryGetValue(definition.Id, out var plan)) return plan;
        plan = await new PlanCompiler(registry, provider).CompileAsync(definition, cancellationToken);
        return definition.IsDraft ? plan : _plans.GetOrAdd(definition.Id, plan);
    }

    public bool TryGet(string versionId, out DefinitionPlan plan) => _plans.TryGetValue(versionId, out plan!);

    public void Evict(string versionId) => _plans.TryRemove(versionId, out _);

    public void Clear() => _plans.Clear();
}
