namespace ItsmWorkflows.Server.Data;

/// <summary>A due time the runtime must act on. The table is the truth; background jobs only wake the runtime up.</summary>
internal sealed class TimerRecord
{
    public required string Id { get; init; }

    public required string InstanceId { get; init; }

    public required string BookmarkId { get; init; }

    public DateTimeOffset DueAt { get; init; }

    public DateTimeOffset? FiredAt { get; set; }

    /// <summary>The node that claimed the timer to fire it; another node may take it once <see cref="ClaimedUntil"/> passes (a crashed node).</summary>
    public string? ClaimedBy { get; set; }

    public DateTimeOffset? ClaimedUntil { get; set; }
}
