using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Migration;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>Moving a running instance to another version of its definition (see <see cref="InstanceMigrator"/>).</summary>
public sealed partial class WorkflowRuntime
{
    /// <summary>
    /// Checks, and unless <paramref name="dryRun"/> makes, the move of an instance to version <paramref name="targetVersionId"/>.
    /// The move is one save under the instance's concurrency guard: a burst that committed in between makes it throw
    /// <see cref="ConcurrencyException"/> and nothing moves. Returns the report and the instance as it now stands.
    /// </summary>
    public async ValueTask<(MigrationReport Report, WorkflowState State)> MigrateAsync(
        string instanceId, string targetVersionId, IReadOnlyDictionary<string, string>? activityMap, bool dryRun, string? actor, CancellationToken cancellationToken = default)
    {
        var (state, version, plan) = await LoadAsync(instanceId, cancellationToken);
        var target = await definitions.FindAsync(state.DefinitionId, targetVersionId, cancellationToken);
        if (target is null || !string.Equals(target.Id, targetVersionId, StringComparison.Ordinal))
        {
            throw new DefinitionNotFoundException($"'{state.DefinitionId}' has no version with id {targetVersionId}.");
        }
        var targetPlan = await GetPlanAsync(target, cancellationToken);
        if (dryRun) return (InstanceMigrator.Check(state, plan, targetPlan, activityMap), state);
        var report = InstanceMigrator.Apply(state, plan, targetPlan, activityMap, services.Time.GetUtcNow(), actor);
        if (report.CanMigrate) await instances.SaveAsync(state, version, cancellationToken);
        return (report, state);
    }
}
