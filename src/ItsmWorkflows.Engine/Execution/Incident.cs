namespace ItsmWorkflows.Engine.Execution;

/// <summary>A fault recorded on an activity; retrying it executes the faulted activity again.</summary>
public sealed class Incident
{
    public required string Id { get; init; }

    public required string FrameId { get; init; }

    public required string ActivityId { get; init; }

    public required string ActivityType { get; init; }

    public required string Message { get; init; }

    public string? Code { get; init; }

    public DateTimeOffset At { get; init; }

    public DateTimeOffset? ResolvedAt { get; set; }
}
