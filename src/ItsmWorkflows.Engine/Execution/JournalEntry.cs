using System.Text.Json.Serialization;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>One line of an instance's history: an activity started, completed, suspended, resumed, faulted or was cancelled.</summary>
public sealed record JournalEntry(
    long Sequence,
    DateTimeOffset At,
    string ActivityId,
    string ActivityType,
    JournalEvent Event,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Outcomes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NodePath = null);
