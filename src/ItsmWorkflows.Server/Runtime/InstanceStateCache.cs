using System.Collections.Concurrent;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// The last state this node saved of each instance, so the next stimulus on this node skips reading it
/// back. A copy another node has since changed is harmless: the save's revision guard refuses the burst,
/// the entry is dropped and the runtime retries on the state read from the database.
/// </summary>
internal sealed class InstanceStateCache(IConfiguration configuration)
{
    private readonly int _capacity = configuration.GetValue("Runtime:StateCacheSize", 10_000);
    private readonly ConcurrentDictionary<string, (string Json, long Revision)> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string instanceId, out string json, out long revision)
    {
        if (_entries.TryGetValue(instanceId, out var entry))
        {
            (json, revision) = entry;
            return true;
        }
        (json, revision) = ("", 0);
        return false;
    }

    public void Set(string instanceId, string json, long revision)
    {
        if (_capacity <= 0) return;
        // Bounded without bookkeeping: when full, start over (the next reads go to the database once).
        if (_entries.Count >= _capacity) _entries.Clear();
        _entries[instanceId] = (json, revision);
    }

    public void Remove(string instanceId) => _entries.TryRemove(instanceId, out _);
}
