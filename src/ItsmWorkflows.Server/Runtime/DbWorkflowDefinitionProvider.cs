using System.Collections.Concurrent;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// The engine's definition port over the definitions table. Every lookup asks the database which version
/// applies and its revision (a few bytes); the definition itself is parsed once per version and revision
/// and kept, so starting a workflow neither transfers nor parses its JSON. A version saved on another node
/// has a new revision, so no node runs a stale copy.
/// </summary>
internal sealed class DbWorkflowDefinitionProvider(ItsmDbContext db, ParsedDefinitionCache cache) : IWorkflowDefinitionProvider
{
    public async ValueTask<WorkflowDefinition?> FindAsync(string definitionId, string? versionId, CancellationToken cancellationToken)
    {
        var queries = HotQueries.For(db);
        var head = (versionId is null ? null : await queries.VersionById(db, definitionId, versionId, cancellationToken))
            ?? await queries.PublishedVersion(db, definitionId, cancellationToken)
            ?? await queries.LatestVersion(db, definitionId, cancellationToken);
        if (head is null) return null;
        if (cache.TryGet(head.Id, head.Revision, out var cached)) return cached;
        var row = await queries.DefinitionJson(db, head.Id, cancellationToken);
        if (row is null) return null;
        var definition = WorkflowDefinitionJson.Parse(row.Json);
        definition.StoredAsDraft = row.State == DefinitionState.Draft; // a retired latest version is not a draft: its plan may be kept
        cache.Add(head.Id, row.Revision, definition);
        return definition;
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

/// <summary>Parsed definitions by version id and revision, shared by the requests of one node.</summary>
internal sealed class ParsedDefinitionCache
{
    private const int Capacity = 2_000;
    private readonly ConcurrentDictionary<string, (long Revision, WorkflowDefinition Definition)> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string versionId, long revision, out WorkflowDefinition definition)
    {
        if (_entries.TryGetValue(versionId, out var entry) && entry.Revision == revision)
        {
            definition = entry.Definition;
            return true;
        }
        definition = null!;
        return false;
    }

    public void Add(string versionId, long revision, WorkflowDefinition definition)
    {
        // Versions are few; should an installation hold more than the capacity, start over rather than grow without bound.
        if (_entries.Count >= Capacity) _entries.Clear();
        _entries[versionId] = (revision, definition);
    }
}
