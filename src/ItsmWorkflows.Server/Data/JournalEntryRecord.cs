using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Server.Data;

/// <summary>One journal row, keyed by its instance and sequence (no surrogate key: every index row is written on each burst).</summary>
internal sealed class JournalEntryRecord
{
    public required string InstanceId { get; init; }

    public long Sequence { get; init; }

    public DateTimeOffset At { get; init; }

    public required string ActivityId { get; init; }

    public required string ActivityType { get; init; }

    public JournalEvent Event { get; init; }

    public string? Outcomes { get; init; }

    public string? Message { get; init; }

    /// <summary>Where the activity sits when it is nested (a composite's child); null for a flowchart's own activities.</summary>
    public string? NodePath { get; init; }
}
