using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Server.Data;

internal sealed class JournalEntryRecord
{
    public long Id { get; init; }

    public required string InstanceId { get; init; }

    public long Sequence { get; init; }

    public DateTimeOffset At { get; init; }

    public required string ActivityId { get; init; }

    public required string ActivityType { get; init; }

    public JournalEvent Event { get; init; }

    public string? Outcomes { get; init; }

    public string? Message { get; init; }
}
