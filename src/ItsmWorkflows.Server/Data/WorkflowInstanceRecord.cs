using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Server.Data;

/// <summary>A running or finished instance; the engine state is one JSON document (jsonb on PostgreSQL).</summary>
internal sealed class WorkflowInstanceRecord
{
    public required string Id { get; init; }

    public required string DefinitionId { get; init; }

    public required string DefinitionVersionId { get; set; }

    public int Version { get; set; }

    public WorkflowStatus Status { get; set; }

    public WorkflowSubStatus SubStatus { get; set; }

    public string? CorrelationId { get; set; }

    public string? Name { get; set; }

    public required string State { get; set; }

    public int OpenIncidents { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? StartedBy { get; init; }

    /// <summary>Optimistic concurrency: two bursts of one instance never both commit.</summary>
    public long Revision { get; set; }
}
