using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>
/// Where an instance waits. <see cref="StimulusHash"/> is the SHA-256 of the stimulus (event name,
/// task id, HTTP route, timer) so a store can find the waiting instances with one indexed lookup.
/// </summary>
public sealed class Bookmark
{
    public required string Id { get; init; }

    public required string FrameId { get; init; }

    public required string ActivityId { get; init; }

    /// <summary>The activity type that created it, e.g. <c>Elsa.Event</c>.</summary>
    public required string Name { get; init; }

    public required string StimulusHash { get; init; }

    /// <summary>Data the activity needs on resume, and the store may show (event name, due time, task id).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Payload { get; init; }

    /// <summary>For timers: when the host must resume it. Null for bookmarks that wait on a stimulus.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? DueAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
