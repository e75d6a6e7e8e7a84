using System.Collections.Concurrent;

namespace ItsmWorkflows.Server.Sandbox;

/// <summary>
/// The test runs on this node. They live in memory only (a run is a few minutes of trying a draft), at most
/// ten per person, and a run left alone for an hour is dropped.
/// </summary>
internal sealed class TestRuns
{
    public const int PerPerson = 10;
    private static readonly TimeSpan IdleLimit = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, TestRun> _runs = new(StringComparer.Ordinal);

    public TestRun Add(TestRun run)
    {
        foreach (var stale in _runs.Values.Where(r => DateTimeOffset.UtcNow - r.LastUsed > IdleLimit)) _runs.TryRemove(stale.Id, out _);
        var mine = _runs.Values.Where(r => r.Owner == run.Owner).OrderBy(r => r.LastUsed).ToList();
        // The oldest of a person's runs makes room for the new one.
        for (var i = 0; i <= mine.Count - PerPerson; i++) _runs.TryRemove(mine[i].Id, out _);
        _runs[run.Id] = run;
        return run;
    }

    public TestRun? Find(string id, string owner) => _runs.TryGetValue(id, out var run) && run.Owner == owner ? run : null;

    public bool Remove(string id, string owner) => Find(id, owner) is not null && _runs.TryRemove(id, out _);
}
