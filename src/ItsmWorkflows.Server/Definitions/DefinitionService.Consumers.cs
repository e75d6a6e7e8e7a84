using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Definitions;

/// <summary>Auto-update of consuming definitions when a definition used as an activity is published.</summary>
internal sealed partial class DefinitionService
{
    /// <summary>
    /// When <paramref name="published"/> asks for it (usable as an activity, <c>options.autoUpdateConsumingWorkflows</c>),
    /// points every definition whose latest version uses it as an activity at that version. A consumer's draft is updated in
    /// place (its published version, if any, keeps what it used); a published consumer gets a new version, published in
    /// turn, and if it asks for the same its own consumers follow. Consumers are handled once each, after everything they
    /// use in this cascade, so one using the child both directly and through another gets both new versions in one new
    /// version. The child's publish has committed: each consumer is its own step, and one that cannot be updated (no longer
    /// valid, edited meanwhile) is reported without stopping the others.
    /// </summary>
    private async Task UpdateConsumersAsync(WorkflowDefinitionRecord published, string actor, List<ConsumerUpdateDto> updates, CancellationToken cancellationToken)
    {
        var child = WorkflowDefinitionJson.Parse(published.Json);
        if (!Propagates(child)) return;
        var latest = (await db.Definitions.AsNoTracking().Where(d => d.IsLatest && d.DefinitionId != published.DefinitionId).ToListAsync(cancellationToken))
            .ToDictionary(r => r.DefinitionId, r => (Record: r, Definition: WorkflowDefinitionJson.Parse(r.Json)), StringComparer.Ordinal);
        var uses = latest.ToDictionary(p => p.Key, p => UsedAsActivities(p.Value.Definition), StringComparer.Ordinal);

        // Who is affected: consumers of the child, and consumers of any consumer that will be republished and propagates too.
        var affected = new HashSet<string>(StringComparer.Ordinal);
        var sources = new Queue<string>([published.DefinitionId]);
        while (sources.TryDequeue(out var source))
        {
            foreach (var (id, used) in uses)
            {
                if (!used.Contains(source) || !affected.Add(id)) continue;
                var (record, definition) = latest[id];
                if (record.State == DefinitionState.Published && Propagates(definition)) sources.Enqueue(id);
            }
        }

        // After everything they use in the cascade; a cycle (which a valid definition cannot have) ends in id order.
        var newVersions = new Dictionary<string, (string Id, int Version)>(StringComparer.Ordinal) { [published.DefinitionId] = (published.Id, published.Version) };
        var pending = affected.Order(StringComparer.Ordinal).ToList();
        while (pending.Count > 0)
        {
            var next = pending.FirstOrDefault(id => !uses[id].Any(u => pending.Contains(u) && u != id)) ?? pending[0];
            pending.Remove(next);
            var outcome = await UpdateConsumerAsync(latest[next].Record.Id, published, actor, newVersions, cancellationToken);
            if (outcome is not null) updates.Add(outcome);
        }
    }

    private async Task<ConsumerUpdateDto?> UpdateConsumerAsync(string versionId, WorkflowDefinitionRecord child, string actor, Dictionary<string, (string Id, int Version)> newVersions, CancellationToken cancellationToken)
    {
        var record = await db.Definitions.FirstAsync(d => d.Id == versionId, cancellationToken);
        try
        {
            if (!record.IsLatest) return new ConsumerUpdateDto(record.DefinitionId, record.Version, "skipped", "a newer version was saved meanwhile; it was not changed");
            if (record.State == DefinitionState.Retired) return new ConsumerUpdateDto(record.DefinitionId, record.Version, "skipped", "it is retired");
            var consumer = WorkflowDefinitionJson.Parse(record.Json);
            var changed = newVersions.Where(n => DefinitionReferences.PointAt(consumer, n.Key, n.Value.Id, n.Value.Version) > 0).ToList();
            if (changed.Count == 0) return null;
            var by = $"{actor} (published {child.DefinitionId} v{child.Version})";
            var repointed = string.Join(", ", changed.Select(n => $"{n.Key} v{n.Value.Version}"));
            if (record.State == DefinitionState.Draft)
            {
                Apply(record, consumer, record.Version, by);
                plans.Evict(record.Id);
                record.Revision++;
                await SaveAsync(record, cancellationToken);
                var live = await db.Definitions.AsNoTracking().Where(d => d.DefinitionId == record.DefinitionId && d.State == DefinitionState.Published).Select(d => (int?)d.Version).FirstOrDefaultAsync(cancellationToken);
                return new ConsumerUpdateDto(record.DefinitionId, record.Version, "draft updated",
                    live is null ? $"now uses {repointed}" : $"now uses {repointed}; published version {live} keeps what it used until this draft is published");
            }
            record.IsLatest = false;
            record.Json = DefinitionText.Stamp(record.Json, record.Version, published: true, latest: false);
            record.Revision++;
            var draft = NewVersion(consumer, record.Version + 1, by, null, record.Revision + 1);
            db.Definitions.Add(draft);
            await SaveAsync(record, cancellationToken);
            try
            {
                var (republished, _) = await PublishCoreAsync(record.DefinitionId, by, cancellationToken);
                if (Propagates(consumer)) newVersions[record.DefinitionId] = (republished.Id, republished.Version);
                return new ConsumerUpdateDto(record.DefinitionId, republished.Version, "published", $"uses {repointed}");
            }
            catch (Api.ProblemException refused)
            {
                db.ChangeTracker.Clear();
                return new ConsumerUpdateDto(record.DefinitionId, draft.Version, "draft, not published", refused.Message);
            }
        }
        catch (Exception ex) when (ex is Api.ProblemException or DbUpdateException)
        {
            // Edited by someone meanwhile, or the database refused: this consumer is left as it was.
            db.ChangeTracker.Clear();
            return new ConsumerUpdateDto(record.DefinitionId, record.Version, "not updated", ex is Api.ProblemException p ? p.Message : ex.GetBaseException().Message);
        }
    }

    /// <summary>A definition whose publishing moves its consumers: usable as an activity and asking for it, as in Elsa.</summary>
    private static bool Propagates(WorkflowDefinition definition) => definition.UsableAsActivity && definition.AutoUpdateConsumingWorkflows;

    /// <summary>Definitions this one uses as activities (by <c>workflowDefinitionId</c>; not those it starts with Execute/Dispatch Workflow).</summary>
    private static HashSet<string> UsedAsActivities(WorkflowDefinition definition) =>
        definition.AllActivities()
            .Where(a => a.Type is not ("Elsa.ExecuteWorkflow" or "Elsa.DispatchWorkflow"))
            .Select(a => a.GetProperty("workflowDefinitionId"))
            .OfType<System.Text.Json.Nodes.JsonValue>()
            .Where(v => v.GetValueKind() == System.Text.Json.JsonValueKind.String)
            .Select(v => v.GetValue<string>())
            .ToHashSet(StringComparer.Ordinal);
}
