namespace ItsmWorkflows.Server.Instances;

/// <summary>Filters and paging of the instance list (query string).</summary>
internal sealed class InstanceQuery
{
    public string? Status { get; init; }

    public string? DefinitionId { get; init; }

    public int? Version { get; init; }

    public string? CorrelationId { get; init; }

    public DateTimeOffset? CreatedFrom { get; init; }

    public DateTimeOffset? CreatedTo { get; init; }

    public int? Page { get; init; }

    public int? PageSize { get; init; }

    /// <summary>Also count every matching instance (costs a scan that grows with the table).</summary>
    public bool? IncludeTotal { get; init; }
}
