using System.Collections.Concurrent;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Data;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// Which version of each definition is published, remembered per node so a start is one round trip (the
/// insert) instead of two. The cache is never trusted: the insert checks the version is still the
/// published one in the same statement batch, and a stale entry (another node published) is refused,
/// forgotten and looked up again, so no instance ever starts on a superseded version.
/// </summary>
internal sealed class PublishedVersionCache
{
    private readonly ConcurrentDictionary<string, string> _versions = new(StringComparer.Ordinal);

    public async Task<string?> GetAsync(ItsmDbContext db, string definitionId, CancellationToken cancellationToken)
    {
        if (_versions.TryGetValue(definitionId, out var cached)) return cached;
        var versionId = await HotQueries.For(db).PublishedVersionId(db, definitionId, cancellationToken);
        if (versionId is not null) _versions[definitionId] = versionId;
        return versionId;
    }

    public void Forget(string definitionId) => _versions.TryRemove(definitionId, out _);

    /// <summary>Starts <paramref name="definitionId"/> on its published version; a stale cached version is looked up again once.</summary>
    public async Task<RunResult> StartAsync(ItsmDbContext db, WorkflowRuntime runtime, string definitionId, Func<string, StartOptions> options, Func<Task<Exception>> notPublished, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var versionId = await GetAsync(db, definitionId, cancellationToken) ?? throw await notPublished();
            try
            {
                return await runtime.StartAsync(definitionId, options(versionId), cancellationToken);
            }
            catch (StalePublishedVersionException) when (attempt == 1)
            {
                // checkpoint: nothing was saved; the start runs again on the version published now.
                Forget(definitionId);
            }
        }
    }
}
