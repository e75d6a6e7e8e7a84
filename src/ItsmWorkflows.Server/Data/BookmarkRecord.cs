namespace ItsmWorkflows.Server.Data;

/// <summary>The index of where instances wait, looked up by stimulus hash (and correlation id).</summary>
internal sealed class BookmarkRecord
{
    public required string Id { get; init; }

    public required string InstanceId { get; init; }

    public required string ActivityId { get; init; }

    public required string ActivityType { get; init; }

    public required string StimulusHash { get; init; }

    public string? CorrelationId { get; set; }

    public DateTimeOffset? DueAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public string? Payload { get; init; }
}
