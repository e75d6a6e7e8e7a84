using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>Everything about one instance that must survive between bursts; serialized as JSON by the stores.</summary>
public sealed class WorkflowState
{
    public required string InstanceId { get; init; }

    public required string DefinitionId { get; init; }

    public required string DefinitionVersionId { get; set; }

    public int DefinitionVersion { get; set; }

    public string? CorrelationId { get; set; }

    public string? Name { get; set; }

    public WorkflowStatus Status { get; set; } = WorkflowStatus.Running;

    public WorkflowSubStatus SubStatus { get; set; } = WorkflowSubStatus.Pending;

    public Dictionary<string, JsonNode?> Input { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, JsonNode?> Output { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The workflow's variables as they stood at the end of the last burst; kept after the instance finishes.</summary>
    public Dictionary<string, JsonNode?> Variables { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Host data such as ParentInstanceId.</summary>
    public Dictionary<string, JsonNode?> Properties { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, ActivityFrame> Frames { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Frames queued to execute, in order. A burst drains it; a fault leaves the rest for a retry.</summary>
    public List<string> Queue { get; set; } = [];

    public List<Bookmark> Bookmarks { get; set; } = [];

    /// <summary>
    /// The instance's history. A database store keeps it in its own table, appended to, and stores the state without
    /// it (<see cref="WorkflowStateJson.SerializeWithoutJournal"/>): a state loaded from there holds only what its
    /// bursts have added since. <see cref="JournalSequence"/> numbers the entries either way.
    /// </summary>
    public List<JournalEntry> Journal { get; set; } = [];

    /// <summary>The sequence number of the instance's latest journal entry, wherever that entry is kept.</summary>
    public long JournalSequence { get; set; }

    public List<Incident> Incidents { get; set; } = [];

    /// <summary>The last outputs of each activity (by activity id), for expressions such as <c>getResultFromHttpEndpoint1()</c>.</summary>
    public Dictionary<string, Dictionary<string, JsonNode?>> ActivityOutputs { get; set; } = new(StringComparer.Ordinal);

    public int NextFrameNumber { get; set; } = 1;

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>
    /// Outbound work this burst asked for (an email, for instance). Not part of the state: the instance
    /// store writes it in the same transaction as the burst and clears it, so it is sent only if the burst
    /// commits, and at least once if it does.
    /// </summary>
    [JsonIgnore]
    public List<OutboundMessage> Outbound { get; } = [];

    /// <summary>
    /// Changes to the host's records this burst asked for, in order. Like <see cref="Outbound"/>, not part of
    /// the state: the store applies them in the burst's transaction and clears them.
    /// </summary>
    [JsonIgnore]
    public List<RecordChange> RecordChanges { get; } = [];

    /// <summary>For a new instance: its version must still be the published one when it is saved (the caller took it from a cache).</summary>
    [JsonIgnore]
    public bool VersionMustBePublished { get; set; }
}
