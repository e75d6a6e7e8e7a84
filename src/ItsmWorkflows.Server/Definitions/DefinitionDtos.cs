using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Validation;
using ItsmWorkflows.Server.Data;

namespace ItsmWorkflows.Server.Definitions;

internal sealed record DefinitionVersionDto(
    string DefinitionId, string VersionId, int Version, string Name, string? Description, string State, bool IsLatest,
    long Revision, DateTimeOffset CreatedAt, string? CreatedBy, DateTimeOffset UpdatedAt, string? UpdatedBy, DateTimeOffset? PublishedAt)
{
    public static DefinitionVersionDto From(WorkflowDefinitionRecord r) =>
        new(r.DefinitionId, r.Id, r.Version, r.Name, r.Description, r.State.ToString(), r.IsLatest, r.Revision, r.CreatedAt, r.CreatedBy, r.UpdatedAt, r.UpdatedBy, r.PublishedAt);
}

/// <remarks><see cref="ConsumersUpdated"/>: after a publish, the definitions pointed at the new version (auto-update of consumers).</remarks>
internal sealed record DefinitionDetailDto(DefinitionVersionDto Version, JsonNode Definition, IReadOnlyList<ValidationIssue> Issues)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ConsumerUpdateDto>? ConsumersUpdated { get; init; }
}

/// <summary>
/// A definition that uses a just-published one as an activity, pointed at its new version: its draft updated in place
/// ("draft updated"), a new version published ("published"), or a new draft left for review when it no longer
/// validates ("draft, not published", with the reason).
/// </summary>
internal sealed record ConsumerUpdateDto(string DefinitionId, int Version, string Outcome, string? Message);

internal sealed record DefinitionSummaryDto(string DefinitionId, string Name, int LatestVersion, string LatestState, int? PublishedVersion, DateTimeOffset UpdatedAt);

/// <summary>An edit of the draft: the definition JSON and the revision the editor started from.</summary>
internal sealed record SaveDraftRequest(JsonNode Definition, long? Revision);

internal sealed record ImportResultDto(string File, string? DefinitionId, int? Version, string Outcome, string? Message);
