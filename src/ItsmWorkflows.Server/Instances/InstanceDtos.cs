using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Server.Instances;

internal sealed record StartInstanceRequest(string DefinitionId, JsonObject? Input, string? CorrelationId);

internal sealed record TriggerEventRequest(string Name, string? CorrelationId, JsonNode? Payload);

internal sealed record ResumeRequest(JsonNode? Payload);

internal sealed record InstanceSummaryDto(
    string Id, string DefinitionId, int Version, string? Name, string? CorrelationId, string Status, string SubStatus,
    int OpenIncidents, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// An instance in full. <see cref="Journal"/> is its whole history when read (GET); in the answer to a resume, cancel or
/// retry it lists what that call added.
/// </summary>
internal sealed record InstanceDetailDto(
    InstanceSummaryDto Instance,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    IReadOnlyDictionary<string, JsonNode?> Input,
    IReadOnlyDictionary<string, JsonNode?> Output,
    IReadOnlyList<Bookmark> Bookmarks,
    IReadOnlyList<Incident> Incidents,
    IReadOnlyList<JournalEntry> Journal);

internal sealed record PageDto<T>(IReadOnlyList<T> Items, int Page, int PageSize, bool HasMore, int? Total);
