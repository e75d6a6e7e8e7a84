using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>The engine's definition port over the definitions table.</summary>
internal sealed class DbWorkflowDefinitionProvider(ItsmDbContext db) : IWorkflowDefinitionProvider
{
    public async ValueTask<WorkflowDefinition?> FindAsync(string definitionId, string? versionId, CancellationToken cancellationToken)
    {
        var versions = db.Definitions.AsNoTracking().Where(d => d.DefinitionId == definitionId);
        var record = (versionId is null ? null : await versions.FirstOrDefaultAsync(d => d.Id == versionId, cancellationToken))
            ?? await versions.FirstOrDefaultAsync(d => d.State == DefinitionState.Published, cancellationToken)
            ?? await versions.OrderByDescending(d => d.Version).FirstOrDefaultAsync(cancellationToken);
        return record is null ? null : WorkflowDefinitionJson.Parse(record.Json);
    }

    public async ValueTask<WorkflowDefinition?> FindByActivityTypeAsync(string activityType, CancellationToken cancellationToken)
    {
        // Definitions used as activities are few; their type name is the definition name without spaces or punctuation.
        var published = await db.Definitions.AsNoTracking().Where(d => d.State == DefinitionState.Published).Select(d => new { d.Name, d.Json }).ToListAsync(cancellationToken);
        var wanted = InMemoryWorkflowDefinitionStore.ActivityTypeName(activityType);
        var match = published.FirstOrDefault(d => string.Equals(InMemoryWorkflowDefinitionStore.ActivityTypeName(d.Name), wanted, StringComparison.OrdinalIgnoreCase));
        return match is null ? null : WorkflowDefinitionJson.Parse(match.Json);
    }
}
