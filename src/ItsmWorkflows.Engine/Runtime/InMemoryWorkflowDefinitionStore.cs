using ItsmWorkflows.Engine.Definitions;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>In-memory definition versions for tests and the conformance command.</summary>
public sealed class InMemoryWorkflowDefinitionStore : IWorkflowDefinitionProvider
{
    private readonly Lock _lock = new();
    private readonly List<WorkflowDefinition> _versions = [];

    public IReadOnlyList<WorkflowDefinition> All
    {
        get
        {
            lock (_lock) return [.. _versions];
        }
    }

    /// <summary>Adds a version; when <paramref name="publish"/> it becomes the one published version of its definition.</summary>
    public WorkflowDefinition Add(WorkflowDefinition definition, bool publish = true)
    {
        ArgumentNullException.ThrowIfNull(definition);
        lock (_lock)
        {
            if (string.IsNullOrEmpty(definition.DefinitionId)) definition.DefinitionId = Guid.NewGuid().ToString("N");
            if (string.IsNullOrEmpty(definition.Id)) definition.Id = Guid.NewGuid().ToString("N");
            _versions.RemoveAll(v => v.Id == definition.Id);
            if (publish)
            {
                foreach (var v in _versions.Where(v => v.DefinitionId == definition.DefinitionId)) v.IsPublished = false;
                definition.IsPublished = true;
            }
            foreach (var v in _versions.Where(v => v.DefinitionId == definition.DefinitionId)) v.IsLatest = false;
            definition.IsLatest = true;
            _versions.Add(definition);
            return definition;
        }
    }

    public ValueTask<WorkflowDefinition?> FindAsync(string definitionId, string? versionId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var exact = versionId is null ? null : _versions.FirstOrDefault(v => v.Id == versionId && v.DefinitionId == definitionId);
            var found = exact
                ?? _versions.FirstOrDefault(v => v.DefinitionId == definitionId && v.IsPublished)
                ?? _versions.Where(v => v.DefinitionId == definitionId).OrderByDescending(v => v.Version).FirstOrDefault();
            return ValueTask.FromResult(found);
        }
    }

    public ValueTask<WorkflowDefinition?> FindByActivityTypeAsync(string activityType, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var wanted = ActivityTypeName(activityType);
            var candidates = _versions.Where(v => string.Equals(ActivityTypeName(v.Name ?? v.DefinitionId), wanted, StringComparison.OrdinalIgnoreCase)).ToList();
            return ValueTask.FromResult(candidates.FirstOrDefault(v => v.IsPublished) ?? candidates.OrderByDescending(v => v.Version).FirstOrDefault());
        }
    }

    /// <summary>The activity type name of a definition used as an activity: its name with only letters, digits and dashes kept.</summary>
    public static string ActivityTypeName(string name) =>
        string.Concat((name ?? "").Where(c => char.IsLetterOrDigit(c) || c == '-'));
}
