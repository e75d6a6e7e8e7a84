namespace ItsmWorkflows.Server.Data;

/// <summary>Outbound work written in the same transaction as the burst that asked for it (email, child workflows, events).</summary>
internal sealed class OutboxMessage
{
    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string Payload { get; init; }

    public string? InstanceId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset AvailableAt { get; set; }

    public DateTimeOffset? ProcessedAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }
}
