using ItsmWorkflows.Server.Data;

namespace ItsmWorkflows.Server.Catalog;

internal sealed record ServiceDto(
    string Id, string Name, string? Description, string? Owner, string SupportGroup, IReadOnlyList<string> Tiers,
    string Calendar, string? SlaDefinitionId, string Criticality, decimal AvailabilityTarget, decimal CostPerUnitMonth, string? Unit)
{
    public static ServiceDto From(ServiceRecord r) => new(
        r.Id, r.Name, r.Description, r.Owner, r.SupportGroup, Catalog.Json.Strings(r.Tiers), r.Calendar, r.SlaDefinitionId, r.Criticality,
        r.AvailabilityTarget, r.CostPerUnitMonth, r.Unit);
}

/// <summary>A fulfilment task the item's workflow opens: what, and for which group.</summary>
internal sealed record FulfilmentTask(string Title, string Group);

internal sealed record CatalogItemDto(
    string Id, string Name, string? Description, string? Category, string? ServiceId, IReadOnlyList<FormField> Form,
    bool ApprovalRequired, IReadOnlyList<string> Approvers, string ApprovalRule, string FulfilmentGroup,
    IReadOnlyList<FulfilmentTask> Tasks, string WorkflowDefinitionId, decimal Price, bool Active, TimeSpan? DeliveryTarget = null, string? Currency = null);

/// <summary>Catalog settings: the currency prices are in (ISO 4217 code, "Catalog:Currency"; EUR unless set).</summary>
internal sealed class CatalogOptions
{
    public string Currency { get; set; } = "EUR";

    /// <summary>"EUR 1,200.00": how a price reads in emails and approvals, the same whatever the server's culture.</summary>
    public string Format(decimal price) => $"{Currency} {price.ToString("N2", System.Globalization.CultureInfo.InvariantCulture)}";
}

internal sealed record SlaTarget(TimeSpan Response, TimeSpan Resolution);

internal sealed record SlaDefinitionDto(string Id, string Name, string Calendar, IReadOnlyDictionary<string, SlaTarget> Targets, IReadOnlyList<string> PauseStatuses);

internal sealed record BlackoutWindowDto(string? Id, string Name, DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<string>? Services);

/// <summary>A blackout window as added, with the changes already scheduled in it (which it does not move).</summary>
internal sealed record BlackoutWindowCreatedDto(string Id, string Name, DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<string> Services, IReadOnlyList<ScheduledChangeDto> ScheduledChanges);

internal sealed record ScheduledChangeDto(string Number, string Title, string Status, DateTimeOffset PlannedStart, DateTimeOffset PlannedEnd);
