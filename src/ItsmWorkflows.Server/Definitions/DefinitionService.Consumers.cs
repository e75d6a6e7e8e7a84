using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Definitions;

/// <summary>Auto-update of consuming definitions when a definition used as an activity is published.</summary>
internal sealed partial class DefinitionService
{
    /// <summary>
    /// Points every definition whose latest version uses <paramref name="published"/> as an activity at that version,
    /// when <paramref name="published"/> asks for it (<c>options.autoUpdateConsumingWorkflows</c>): a consumer's draft
    /// is updated in place; a published consumer gets a new version that is published in turn (and so updates its own
    /// consumers if it asks for that too); one that no longer validates is left as a new draft with the reason. A
    /// consumer already updated in this publish is not visited twice, so a cycle ends.
    /// </summary>
    private async Task UpdateConsumersAsync(WorkflowDefinitionRecord published, string actor, HashSet<string> visited, List<ConsumerUpdateDto> updates, CancellationToken cancellationToken)
    {
        var child = WorkflowDefinitionJson.Parse(published.Json);
        if (!child.AutoUpdateConsumingWorkflows) return;
        var latest = await db.Definitions.Where(d => d.IsLatest && d.DefinitionId != published.DefinitionId).ToListAsync(cancellationToken);
        foreach (var record in latest.OrderBy(r => r.DefinitionId, StringComparer.Ordinal))
        {
            var consumer = WorkflowDefinitionJson.Parse(record.Json);
            if (!DefinitionReferences.Referenced(consumer).Contains(published.DefinitionId) || !visited.Add(record.DefinitionId)) continue;
            if (DefinitionReferences.PointAt(consumer, published.DefinitionId, published.Id, published.Version) == 0) continue;
            var by = $"{actor} (published {published.DefinitionId} v{published.Version})";
            if (record.State == DefinitionState.Draft)
            {
                Apply(record, consumer, record.Version, by);
                plans.Evict(record.Id);
                record.Revision++;
                await SaveAsync(record, cancellationToken);
                updates.Add(new ConsumerUpdateDto(record.DefinitionId, record.Version, "draft updated", null));
                continue;
            }
            var wasPublished = record.State == DefinitionState.Published;
            record.IsLatest = false;
            record.Json = DefinitionText.Stamp(record.Json, record.Version, wasPublished, latest: false);
            record.Revision++;
            var next = NewVersion(consumer, record.Version + 1, by, null);
            db.Definitions.Add(next);
            await SaveAsync(record, cancellationToken);
            if (!wasPublished)
            {
                updates.Add(new ConsumerUpdateDto(record.DefinitionId, next.Version, "draft created", $"version {record.Version} was {record.State.ToString().ToLowerInvariant()}, so the update waits as a draft"));
                continue;
            }
            try
            {
                var (republished, _) = await PublishCoreAsync(record.DefinitionId, by, cancellationToken);
                updates.Add(new ConsumerUpdateDto(record.DefinitionId, republished.Version, "published", null));
                await UpdateConsumersAsync(republished, actor, visited, updates, cancellationToken);
            }
            catch (ProblemException refused)
            {
                updates.Add(new ConsumerUpdateDto(record.DefinitionId, next.Version, "draft, not published", refused.Message));
            }
        }
    }
}
