using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Instances;

/// <summary>Starts, lists, inspects and drives instances. A resume or retry on an instance that moved on is a 409, never a second execution.</summary>
internal sealed class InstanceService(ItsmDbContext db, WorkflowRuntime runtime, Runtime.PublishedVersionCache published)
{
    public const int MaxPageSize = 200;

    public async Task<InstanceDetailDto> StartAsync(StartInstanceRequest request, string actor, CancellationToken cancellationToken)
    {
        var definitionId = request.DefinitionId;
        if (string.IsNullOrWhiteSpace(definitionId)) throw ProblemException.BadRequest("Name the definition to start ('definitionId').");
        var instanceId = Guid.CreateVersion7().ToString("N");
        var result = await published.StartAsync(db, runtime, definitionId, versionId =>
        {
            var options = new StartOptions
            {
                VersionId = versionId,
                VersionMustBePublished = true,
                InstanceId = instanceId,
                CorrelationId = request.CorrelationId,
                Input = request.Input?.ToDictionary(p => p.Key, p => p.Value?.DeepClone()),
            };
            options.Properties["StartedBy"] = actor;
            return options;
        }, async () => await db.Definitions.AnyAsync(d => d.DefinitionId == definitionId, cancellationToken)
            ? ProblemException.Conflict($"Definition '{request.DefinitionId}' has no published version; publish it first.")
            : ProblemException.NotFound($"There is no workflow definition '{request.DefinitionId}'."), cancellationToken);
        return ToDetail(result.State);
    }

    public async Task<PageDto<InstanceSummaryDto>> ListAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        var page = Math.Max(1, query.Page ?? 1);
        var size = Math.Clamp(query.PageSize ?? 50, 1, MaxPageSize);
        var q = db.Instances.AsNoTracking().AsQueryable();
        if (query.Status is { Length: > 0 } status)
        {
            if (Enum.TryParse<WorkflowSubStatus>(status, true, out var sub)) q = q.Where(i => i.SubStatus == sub);
            else if (Enum.TryParse<WorkflowStatus>(status, true, out var main)) q = q.Where(i => i.Status == main);
            else throw ProblemException.BadRequest($"Unknown status '{status}'; use Running, Finished, Executing, Suspended, Cancelled or Faulted.");
        }
        if (query.DefinitionId is { Length: > 0 } definitionId) q = q.Where(i => i.DefinitionId == definitionId);
        if (query.Version is { } version) q = q.Where(i => i.Version == version);
        if (query.CorrelationId is { Length: > 0 } correlationId) q = q.Where(i => i.CorrelationId == correlationId);
        if (query.CreatedFrom is { } from) q = q.Where(i => i.CreatedAt >= from);
        if (query.CreatedTo is { } to) q = q.Where(i => i.CreatedAt < to);
        // One row more than the page tells whether there is a next page without counting the table:
        // a count grows with the table, a page does not. The exact total is opt-in.
        var rows = await q.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id)
            .Skip((page - 1) * size).Take(size + 1)
            .Select(i => new InstanceSummaryDto(i.Id, i.DefinitionId, i.Version, i.Name, i.CorrelationId, i.Status.ToString(), i.SubStatus.ToString(), i.OpenIncidents, i.CreatedAt, i.UpdatedAt, i.FinishedAt))
            .ToListAsync(cancellationToken);
        var hasMore = rows.Count > size;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        int? total = query.IncludeTotal == true ? await q.CountAsync(cancellationToken) : null;
        return new PageDto<InstanceSummaryDto>(rows, page, size, hasMore, total);
    }

    public async Task<InstanceDetailDto> GetAsync(string id, CancellationToken cancellationToken)
    {
        var (state, journal) = await InstanceJournal.ReadWithStateAsync(db, id, cancellationToken)
            ?? throw ProblemException.NotFound($"There is no workflow instance '{id}'.");
        return ToDetail(WorkflowStateJson.Deserialize(state), journal);
    }

    public async Task<IReadOnlyList<InstanceSummaryDto>> TriggerEventAsync(TriggerEventRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) throw ProblemException.BadRequest("Name the event to trigger ('name').");
        var results = await runtime.TriggerEventAsync(request.Name, request.CorrelationId, request.Payload, cancellationToken);
        return [.. results.Select(r => ToSummary(r.State))];
    }

    public async Task<InstanceDetailDto> ResumeAsync(string id, string bookmarkId, JsonNode? payload, CancellationToken cancellationToken) =>
        ToDetail((await runtime.ResumeAsync(id, bookmarkId, payload, cancellationToken)).State);

    public async Task<InstanceDetailDto> CancelAsync(string id, CancellationToken cancellationToken) =>
        ToDetail((await runtime.CancelAsync(id, cancellationToken)).State);

    public async Task<InstanceDetailDto> RetryAsync(string id, string incidentId, CancellationToken cancellationToken)
    {
        try
        {
            return ToDetail((await runtime.RetryAsync(id, incidentId, cancellationToken)).State);
        }
        catch (InvalidOperationException ex)
        {
            throw ProblemException.Conflict(ex.Message);
        }
    }

    private static InstanceSummaryDto ToSummary(WorkflowState s) =>
        new(s.InstanceId, s.DefinitionId, s.DefinitionVersion, s.Name, s.CorrelationId, s.Status.ToString(), s.SubStatus.ToString(),
            s.Incidents.Count(i => i.ResolvedAt is null), s.CreatedAt, s.UpdatedAt, s.FinishedAt);

    /// <summary>
    /// The instance after a start, resume, cancel or retry: its journal is what that call added (a start's is the whole
    /// journal); reading the rest would cost every resume a query. GET /api/instances/{id} has the whole journal.
    /// </summary>
    private static InstanceDetailDto ToDetail(WorkflowState s, IReadOnlyList<JournalEntry>? journal = null) =>
        new(ToSummary(s), s.Variables, s.Input, s.Output, s.Bookmarks, s.Incidents, journal ?? s.Journal);
}
