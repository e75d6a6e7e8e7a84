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

    /// <summary>An email the host writes itself (not a workflow's), due now, listed with the instance's other emails.</summary>
    public static OutboxMessage ForEmail(Engine.Activities.Email.EmailMessage message, string? instanceId, DateTimeOffset at) => new()
    {
        Id = message.Id,
        Kind = Engine.Activities.Email.EmailMessage.OutboxKind,
        Payload = message.ToJson().ToJsonString(),
        InstanceId = instanceId,
        CreatedAt = at,
        AvailableAt = at,
    };
}
