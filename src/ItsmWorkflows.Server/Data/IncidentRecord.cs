namespace ItsmWorkflows.Server.Data;

internal sealed class IncidentRecord
{
    public required string Id { get; init; }

    public required string InstanceId { get; init; }

    public required string ActivityId { get; init; }

    public required string ActivityType { get; init; }

    public required string Message { get; init; }

    public string? Code { get; init; }

    public DateTimeOffset At { get; init; }

    public DateTimeOffset? ResolvedAt { get; set; }
}
