using System.Text.Json.Nodes;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>How to start an instance: which version, input, correlation id, and the trigger that fired, if any.</summary>
public sealed class StartOptions
{
    public string? VersionId { get; init; }

    /// <summary>
    /// <see cref="VersionId"/> came from a cache of published versions: the store refuses the start (nothing is
    /// saved) with <see cref="StalePublishedVersionException"/> if it is no longer the published one.
    /// </summary>
    public bool VersionMustBePublished { get; init; }

    public string? InstanceId { get; init; }

    public IDictionary<string, JsonNode?>? Input { get; init; }

    public string? CorrelationId { get; init; }

    public string? TriggerActivityId { get; init; }

    public JsonNode? TriggerPayload { get; init; }

    public Dictionary<string, JsonNode?> Properties { get; } = new(StringComparer.Ordinal);
}
