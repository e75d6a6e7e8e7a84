using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Instances;

/// <summary>Starts, lists, inspects and drives instances. A resume or retry on an instance that moved on is a 409, never a second execution.</summary>
internal sealed partial class InstanceService(ItsmDbContext db, WorkflowRuntime runtime, Runtime.PublishedVersionCache published, WorkflowServices services)
{
    public const int MaxPageSize = 200;

    public async Task<InstanceDetailDto> StartAsync(StartInstanceRequest request, string actor, CancellationToken cancellationToken)
    {
        var definitionId = request.DefinitionId;
        if (string.IsNullOrWhiteSpace(definitionId)) throw ProblemException.BadRequest("Name the definition to start ('definitionId').");
        await RefuseTicketsRunElsewhereAsync(request, cancellationToken);
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

    /// <summary>
    /// A ticket is run by the one process its raising started. Another instance of a process that runs tickets (the
    /// change and incident processes, a catalog item's) started here under a ticket's number, as its correlation id or as
    /// the ticket it reads, cannot write the ticket, but it would email the ticket's people about steps nobody took
    /// ("scheduled", "approved"), or take the number of the next one raised: refused. Other workflows may be correlated
    /// with a ticket (a diagnostics run for an incident, say).
    /// </summary>
    private async Task RefuseTicketsRunElsewhereAsync(StartInstanceRequest request, CancellationToken cancellationToken)
    {
        var named = new[] { request.CorrelationId, request.Input?["ticket"] is JsonObject ticket && ticket["number"] is JsonValue n && n.TryGetValue<string>(out var number) ? number : null }
            .Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x!.Trim().ToUpperInvariant()).Where(x => TicketNumber().IsMatch(x)).Distinct().ToList();
        if (named.Count == 0) return;
        var definitionId = request.DefinitionId;
        var runsTickets = definitionId is Changes.ChangeEndpoints.Workflow or Incidents.IncidentEndpoints.Workflow
            || await db.CatalogItems.AsNoTracking().AnyAsync(c => c.WorkflowDefinitionId == definitionId, cancellationToken);
        if (!runsTickets) return;
        var taken = await db.Tickets.AsNoTracking().Where(t => named.Contains(t.Number)).Select(t => t.Number).FirstOrDefaultAsync(cancellationToken);
        throw ProblemException.Conflict(taken is not null
            ? $"{taken} is a ticket, run by the process its raising started; another instance of '{definitionId}' for it would tell its people about steps nobody took. Act on the ticket instead (its page, or /api/tickets/{taken}), or start this workflow without its number."
            : $"'{definitionId}' runs tickets, and {named[0]} is a ticket's number: it is started by raising the ticket (the portal, or /api/requests, /api/changes, /api/incidents), which numbers it; start it here without a ticket number.");
    }

    [System.Text.RegularExpressions.GeneratedRegex("^(REQ|TASK|CHG|INC)[0-9]+$")]
    private static partial System.Text.RegularExpressions.Regex TicketNumber();

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

    /// <summary>
    /// An operator resumes a bookmark by its id, except an approval's: a decision is the approver's (or their delegate's),
    /// checked and audited by /api/approvals; resumed here it would be recorded under any name the body gave.
    /// </summary>
    public async Task<InstanceDetailDto> ResumeAsync(string id, string bookmarkId, JsonNode? payload, CancellationToken cancellationToken) =>
        ToDetail((await runtime.ResumeAsync(id, bookmarkId, payload, static b => b.Name == Engine.Activities.Approvals.RequestApproval.TypeName
            ? $"Bookmark {b.Id} waits for an approval's decision, which only its approvers (or their delegates) make: POST /api/approvals/{b.Payload?["approvalId"]?.ToString() ?? "{approvalId}"}/decision, where their right to decide is checked and the decision audited. To stop the process instead, cancel the instance."
            : null, cancellationToken)).State);

    public async Task<InstanceDetailDto> CancelAsync(string id, string actor, CancellationToken cancellationToken)
    {
        var wasRunning = await db.Instances.AnyAsync(i => i.Id == id && i.Status == WorkflowStatus.Running, cancellationToken);
        var cancelled = await runtime.CancelAsync(id, cancellationToken);
        if (!wasRunning) return ToDetail(cancelled.State);
        // A ticket whose process an operator stopped says so: nothing will move it on its own any more.
        var tickets = await db.Tickets.Where(t => t.InstanceId == id && t.Kind != TicketKind.Task).Select(t => new { t.Number, t.Status }).ToListAsync(cancellationToken);
        foreach (var ticket in tickets.Where(t => !Tickets.TicketStatuses.IsFinal(t.Status)))
        {
            db.TicketEvents.Add(new TicketEventRecord
            {
                TicketNumber = ticket.Number, At = services.Time.GetUtcNow(), Actor = actor, Kind = "note",
                Text = $"Its process was cancelled by {actor}: nothing moves this {ticket.Number} on by itself any more; work it by hand, or cancel it.",
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        return ToDetail(cancelled.State);
    }

    public async Task<InstanceDetailDto> RetryAsync(string id, string incidentId, CancellationToken cancellationToken)
    {
        try
        {
            var retried = await runtime.RetryAsync(id, incidentId, cancellationToken);
            // Its timers that came due while it was stopped were set aside by the timer pump: due again now.
            await db.Timers.Where(t => t.InstanceId == id && t.FiredAt == null && t.ClaimedUntil != null)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.ClaimedBy, (string?)null).SetProperty(t => t.ClaimedUntil, (DateTimeOffset?)null), cancellationToken);
            return ToDetail(retried.State);
        }
        catch (InvalidOperationException ex)
        {
            throw ProblemException.Conflict(ex.Message);
        }
    }

    /// <summary>Moves one instance to a published version of its definition (or reports what would stop it). Refused: 422 with the reasons, nothing changed.</summary>
    public async Task<MigrationDto> MigrateAsync(string id, MigrateInstanceRequest request, string actor, CancellationToken cancellationToken)
    {
        var definitionId = await db.Instances.Where(i => i.Id == id).Select(i => i.DefinitionId).FirstOrDefaultAsync(cancellationToken)
            ?? throw ProblemException.NotFound($"There is no workflow instance '{id}'.");
        var targetId = await TargetVersionIdAsync(definitionId, request.TargetVersion, cancellationToken);
        var (report, _) = await runtime.MigrateAsync(id, targetId, request.ActivityMap, request.DryRun, actor, cancellationToken);
        var dto = ToDto(id, report, migrated: report.CanMigrate && !request.DryRun);
        if (!report.CanMigrate && !request.DryRun)
        {
            throw ProblemException.Invalid(
                $"Instance {id} cannot move to version {request.TargetVersion}: {string.Join(" ", report.Blocking.Select(b => b.Message))} Nothing was changed.",
                new Dictionary<string, object?> { ["issues"] = report.Blocking, ["notes"] = report.Notes });
        }
        return dto;
    }

    /// <summary>
    /// Moves every running instance of one version that can move, one by one (each its own save under its own guard),
    /// and lists the ones refused with their reasons. An instance that a burst moves on meanwhile is checked again.
    /// </summary>
    public async Task<BulkMigrationDto> MigrateAllAsync(string definitionId, MigrateInstancesRequest request, string actor, CancellationToken cancellationToken)
    {
        var fromId = await db.Definitions.Where(d => d.DefinitionId == definitionId && d.Version == request.FromVersion).Select(d => d.Id).FirstOrDefaultAsync(cancellationToken)
            ?? throw ProblemException.NotFound($"'{definitionId}' has no version {request.FromVersion}.");
        var targetId = await TargetVersionIdAsync(definitionId, request.TargetVersion, cancellationToken);
        if (fromId == targetId) throw ProblemException.BadRequest($"The instances already run version {request.TargetVersion}; name another target.");
        var limit = request.Limit ?? 1000;
        if (limit is < 1 or > 10_000) throw ProblemException.BadRequest("'limit' is how many instances one call checks: 1 to 10,000 (default 1,000).");
        var checkedCount = 0;
        var migrated = 0;
        var refused = new List<MigrationDto>();
        var refusedCount = 0;
        var notes = new Dictionary<string, int>(StringComparer.Ordinal);
        var after = request.After;
        while (checkedCount < limit)
        {
            // Pages by id, so instances moved on the way (their version changes) neither repeat nor hide others.
            var page = await db.Instances.AsNoTracking()
                .Where(i => i.DefinitionVersionId == fromId && i.Status == WorkflowStatus.Running && (after == null || i.Id.CompareTo(after) > 0))
                .OrderBy(i => i.Id).Select(i => i.Id).Take(Math.Min(200, limit - checkedCount)).ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                after = null;
                break;
            }
            foreach (var id in page)
            {
                checkedCount++;
                var report = await MigrateOneAsync(id, targetId, request, actor, cancellationToken);
                if (report.CanMigrate)
                {
                    migrated++;
                    foreach (var note in report.Notes) notes[note] = notes.GetValueOrDefault(note) + 1;
                    continue;
                }
                refusedCount++;
                if (refused.Count < 100) refused.Add(ToDto(id, report, migrated: false));
            }
            after = page[^1];
        }
        if (after is not null && !await db.Instances.AnyAsync(i => i.DefinitionVersionId == fromId && i.Status == WorkflowStatus.Running && i.Id.CompareTo(after) > 0, cancellationToken))
        {
            after = null;
        }
        // The refused are named by their tickets where they have one: an instance id tells a process owner nothing.
        var refusedIds = refused.Select(r => r.InstanceId).ToList();
        var tickets = await db.Tickets.AsNoTracking().Where(t => t.InstanceId != null && refusedIds.Contains(t.InstanceId) && t.Kind != TicketKind.Task)
            .Select(t => new { t.InstanceId, t.Number }).ToListAsync(cancellationToken);
        var ticketOf = tickets.GroupBy(t => t.InstanceId!).ToDictionary(g => g.Key, g => g.First().Number);
        return new BulkMigrationDto(request.FromVersion, request.TargetVersion, request.DryRun, checkedCount, migrated, refusedCount,
            [.. refused.Select(r => r with { Ticket = ticketOf.GetValueOrDefault(r.InstanceId) })], after)
        {
            Notes = [.. notes.Select(n => new MigrationNoteDto(n.Key, n.Value))],
        };
    }

    private async Task<Engine.Migration.MigrationReport> MigrateOneAsync(string id, string targetId, MigrateInstancesRequest request, string actor, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await runtime.MigrateAsync(id, targetId, request.ActivityMap, request.DryRun, actor, cancellationToken)).Report;
            }
            catch (ConcurrencyException) when (attempt < 3)
            {
                // A burst of this instance committed while it was checked: check it again as it now stands.
            }
            catch (Exception ex) when (ex is ConcurrencyException or TransientStoreException or InstanceNotFoundException or DefinitionNotFoundException)
            {
                // One busy or vanished instance, or a database blip, does not stop the others: it is listed, unmoved.
                return new Engine.Migration.MigrationReport(request.FromVersion, request.TargetVersion, [new Engine.Migration.MigrationIssue(null, $"Not moved: {ex.Message} Run the move again to retry it.")], []);
            }
        }
    }

    private async Task<string> TargetVersionIdAsync(string definitionId, int version, CancellationToken cancellationToken)
    {
        var target = await db.Definitions.AsNoTracking().Where(d => d.DefinitionId == definitionId && d.Version == version)
            .Select(d => new { d.Id, d.State }).FirstOrDefaultAsync(cancellationToken)
            ?? throw ProblemException.NotFound($"'{definitionId}' has no version {version}.");
        if (target.State != DefinitionState.Published)
        {
            throw ProblemException.Conflict($"Version {version} of '{definitionId}' is {target.State.ToString().ToLowerInvariant()}; instances move only to the published version (a draft can still change under them). Publish it first.");
        }
        return target.Id;
    }

    private static MigrationDto ToDto(string id, Engine.Migration.MigrationReport report, bool migrated) =>
        new(id, report.FromVersion, report.ToVersion, report.CanMigrate, migrated, report.Blocking, report.Notes);

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
