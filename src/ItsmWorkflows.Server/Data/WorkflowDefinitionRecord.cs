namespace ItsmWorkflows.Server.Data;

/// <summary>One version of a definition. A published version is never edited: editing it starts the next draft.</summary>
internal sealed class WorkflowDefinitionRecord
{
    public required string Id { get; init; }

    public required string DefinitionId { get; init; }

    public required int Version { get; init; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public DefinitionState State { get; set; }

    public bool IsLatest { get; set; }

    /// <summary>The definition in the Elsa 3 JSON format (jsonb on PostgreSQL).</summary>
    public required string Json { get; set; }

    /// <summary>SHA-256 of the imported file, so re-importing an unchanged shipped workflow is skipped.</summary>
    public string? SourceHash { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public string? CreatedBy { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>Optimistic concurrency: bumped on every save; a stale edit fails.</summary>
    public long Revision { get; set; }
}
