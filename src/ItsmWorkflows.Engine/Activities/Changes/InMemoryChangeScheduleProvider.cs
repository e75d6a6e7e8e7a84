namespace ItsmWorkflows.Engine.Activities.Changes;

/// <summary>
/// A change schedule held in memory (tests, the engine on its own). Windows are half-open: one ending at
/// 12:00 and one starting at 12:00 do not overlap. A change conflicts only when it shares a service; a
/// blackout conflicts when it covers all services or shares one.
/// </summary>
public sealed class InMemoryChangeScheduleProvider : IChangeScheduleProvider
{
    // The default instance is shared by every run of a runtime, so adding and querying may happen at once.
    private readonly Lock _lock = new();
    private readonly List<ScheduledChange> _changes = [];
    private readonly List<BlackoutWindow> _blackouts = [];

    public IReadOnlyList<ScheduledChange> Changes
    {
        get
        {
            lock (_lock) return [.. _changes];
        }
    }

    public IReadOnlyList<BlackoutWindow> Blackouts
    {
        get
        {
            lock (_lock) return [.. _blackouts];
        }
    }

    public InMemoryChangeScheduleProvider Add(ScheduledChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock) _changes.Add(change);
        return this;
    }

    public InMemoryChangeScheduleProvider Add(BlackoutWindow blackout)
    {
        ArgumentNullException.ThrowIfNull(blackout);
        lock (_lock) _blackouts.Add(blackout);
        return this;
    }

    public ValueTask<ChangeScheduleConflicts> FindConflictsAsync(ChangeWindowQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var services = new HashSet<string>(query.ServiceIds, StringComparer.OrdinalIgnoreCase);
        lock (_lock)
        {
            List<ChangeConflict> changes = [];
            foreach (var other in _changes)
            {
                if (string.Equals(other.Number, query.ChangeNumber, StringComparison.OrdinalIgnoreCase) || !Overlaps(query.Start, query.End, other.Start, other.End)) continue;
                var shared = other.ServiceIds.Where(services.Contains).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                if (shared.Count > 0) changes.Add(new ChangeConflict(other.Number, other.Title, shared, other.Start, other.End));
            }
            List<BlackoutWindow> blackouts =
            [
                .. _blackouts.Where(b => Overlaps(query.Start, query.End, b.Start, b.End) && (b.CoversAllServices || b.ServiceIds.Any(services.Contains))),
            ];
            return ValueTask.FromResult(new ChangeScheduleConflicts(changes, blackouts));
        }
    }

    private static bool Overlaps(DateTimeOffset start, DateTimeOffset end, DateTimeOffset otherStart, DateTimeOffset otherEnd) => start < otherEnd && otherStart < end;
}
