namespace ItsmWorkflows.Server.Data;

/// <summary>A way a published definition starts (HTTP route, event, timer), indexed by stimulus hash.</summary>
internal sealed class TriggerRecord
{
    public required string Id { get; init; }

    public required string DefinitionId { get; init; }

    public required string DefinitionVersionId { get; init; }

    public required string ActivityId { get; init; }

    public required string ActivityType { get; init; }

    public required string StimulusHash { get; init; }

    public required string Payload { get; init; }
}
