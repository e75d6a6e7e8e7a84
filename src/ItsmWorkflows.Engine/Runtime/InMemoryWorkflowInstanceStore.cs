using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>
/// In-memory instance store for tests and the conformance command. It keeps serialized state, so every
/// read is a fresh copy and serialization is exercised exactly as with a database.
/// </summary>
public sealed class InMemoryWorkflowInstanceStore : IWorkflowInstanceStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string Json, long Version, WorkflowState Snapshot)> _instances = new(StringComparer.Ordinal);
    private readonly List<OutboundMessage> _outbox = [];
    private readonly List<RecordChange> _recordChanges = [];

    /// <summary>Record changes committed with the bursts so far, in commit order.</summary>
    public IReadOnlyList<RecordChange> RecordChanges
    {
        get
        {
            lock (_lock) return [.. _recordChanges];
        }
    }

    /// <summary>Outbound work committed with the bursts so far (emails, for instance), in commit order.</summary>
    public IReadOnlyList<OutboundMessage> Outbox
    {
        get
        {
            lock (_lock) return [.. _outbox];
        }
    }

    public IReadOnlyList<WorkflowState> All
    {
        get
        {
            lock (_lock) return [.. _instances.Values.Select(v => WorkflowStateJson.Deserialize(v.Json))];
        }
    }

    public ValueTask<(WorkflowState State, long Version)?> FindAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<(WorkflowState, long)?>(_instances.TryGetValue(instanceId, out var entry) ? (WorkflowStateJson.Deserialize(entry.Json), entry.Version) : null);
        }
    }

    public ValueTask<long> SaveAsync(WorkflowState state, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var json = WorkflowStateJson.Serialize(state);
        lock (_lock)
        {
            var current = _instances.TryGetValue(state.InstanceId, out var entry) ? entry.Version : 0;
            if (current != expectedVersion)
            {
                throw new ConcurrencyException($"Instance {state.InstanceId} changed while this burst ran (version {current}, expected {expectedVersion}).");
            }
            _instances[state.InstanceId] = (json, current + 1, WorkflowStateJson.Deserialize(json));
            _outbox.AddRange(state.Outbound);
            state.Outbound.Clear();
            _recordChanges.AddRange(state.RecordChanges);
            state.RecordChanges.Clear();
            return ValueTask.FromResult(current + 1);
        }
    }

    public ValueTask<IReadOnlyList<BookmarkLocation>> FindBookmarksAsync(string stimulusHash, string? correlationId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<BookmarkLocation> found = [.. _instances.Values
                .Select(v => v.Snapshot)
                .Where(s => correlationId is null || s.CorrelationId == correlationId)
                .SelectMany(s => s.Bookmarks.Where(b => b.StimulusHash == stimulusHash).Select(b => new BookmarkLocation(s.InstanceId, b.Id, b.DueAt)))];
            return ValueTask.FromResult(found);
        }
    }

    public ValueTask<IReadOnlyList<BookmarkLocation>> FindDueTimersAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<BookmarkLocation> found = [.. _instances.Values
                .Select(v => v.Snapshot)
                .SelectMany(s => s.Bookmarks.Where(b => b.DueAt is not null && b.DueAt <= now).Select(b => new BookmarkLocation(s.InstanceId, b.Id, b.DueAt)))
                .OrderBy(b => b.DueAt)];
            return ValueTask.FromResult(found);
        }
    }
}
