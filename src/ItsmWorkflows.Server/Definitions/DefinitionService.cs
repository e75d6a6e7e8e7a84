using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Planning;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Engine.Validation;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Definitions;

/// <summary>
/// Versioned definitions: drafts are edited with optimistic concurrency, published versions are
/// immutable (editing one starts the next draft), at most one version is published, and rolling
/// back copies an old version into a new draft.
/// </summary>
internal sealed partial class DefinitionService(ItsmDbContext db, WorkflowValidator validator, TimeProvider time, PlanCache plans, IWorkflowDefinitionProvider definitions, Runtime.PublishedVersionCache publishedVersions)
{
    public async Task<IReadOnlyList<DefinitionSummaryDto>> ListAsync(CancellationToken cancellationToken)
    {
        var latest = await db.Definitions.AsNoTracking().Where(d => d.IsLatest).OrderBy(d => d.Name).ToListAsync(cancellationToken);
        var published = await db.Definitions.AsNoTracking().Where(d => d.State == DefinitionState.Published)
            .Select(d => new { d.DefinitionId, d.Version }).ToDictionaryAsync(d => d.DefinitionId, d => d.Version, cancellationToken);
        return [.. latest.Select(d => new DefinitionSummaryDto(d.DefinitionId, d.Name, d.Version, d.State.ToString(), published.TryGetValue(d.DefinitionId, out var v) ? v : null, d.UpdatedAt))];
    }

    public async Task<IReadOnlyList<DefinitionVersionDto>> VersionsAsync(string definitionId, CancellationToken cancellationToken)
    {
        var versions = await db.Definitions.AsNoTracking().Where(d => d.DefinitionId == definitionId).OrderByDescending(d => d.Version).ToListAsync(cancellationToken);
        if (versions.Count == 0) throw UnknownDefinition(definitionId);
        return [.. versions.Select(DefinitionVersionDto.From)];
    }

    public async Task<DefinitionDetailDto> GetAsync(string definitionId, int? version, CancellationToken cancellationToken)
    {
        var record = await FindAsync(definitionId, version, cancellationToken);
        return await DetailAsync(record, cancellationToken);
    }

    public async Task<WorkflowDefinitionRecord> FindAsync(string definitionId, int? version, CancellationToken cancellationToken)
    {
        var query = db.Definitions.AsNoTracking().Where(d => d.DefinitionId == definitionId);
        var record = version is null
            ? await query.FirstOrDefaultAsync(d => d.IsLatest, cancellationToken)
            : await query.FirstOrDefaultAsync(d => d.Version == version, cancellationToken);
        if (record is not null) return record;
        if (version is not null && await db.Definitions.AnyAsync(d => d.DefinitionId == definitionId, cancellationToken))
        {
            throw ProblemException.NotFound($"Definition '{definitionId}' has no version {version}.");
        }
        throw UnknownDefinition(definitionId);
    }

    /// <summary>Creates a new definition as draft version 1.</summary>
    public async Task<DefinitionDetailDto> CreateAsync(JsonNode json, string actor, CancellationToken cancellationToken)
    {
        var definition = Parse(json);
        if (string.IsNullOrWhiteSpace(definition.DefinitionId)) definition.DefinitionId = DefinitionIds.FromName(definition.Name);
        DefinitionIds.Check(definition.DefinitionId);
        if (await db.Definitions.AnyAsync(d => d.DefinitionId == definition.DefinitionId, cancellationToken))
        {
            throw ProblemException.Conflict($"Definition '{definition.DefinitionId}' already exists; edit its draft, or import the file as its next version.");
        }
        var record = NewVersion(definition, 1, actor, null);
        db.Definitions.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return await DetailAsync(record, cancellationToken);
    }

    /// <summary>
    /// Saves an edit. When the latest version is a draft it is updated (only if nobody saved it since
    /// <paramref name="revision"/>); when it is published or retired, the edit becomes the next draft.
    /// </summary>
    public async Task<DefinitionDetailDto> SaveDraftAsync(string definitionId, JsonNode json, long? revision, string actor, CancellationToken cancellationToken)
    {
        var definition = Parse(json);
        var latest = await db.Definitions.FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.IsLatest, cancellationToken) ?? throw UnknownDefinition(definitionId);
        if (!string.IsNullOrEmpty(definition.DefinitionId) && definition.DefinitionId != definitionId)
        {
            throw ProblemException.BadRequest($"The body is definition '{definition.DefinitionId}', but the URL names '{definitionId}'.");
        }
        definition.DefinitionId = definitionId;
        if (latest.State != DefinitionState.Draft)
        {
            if (revision is not null && revision != latest.Revision) throw Stale(latest);
            latest.IsLatest = false;
            latest.Revision++; // two edits of the same published version: the second is stale
            var next = NewVersion(definition, latest.Version + 1, actor, null, latest.Revision + 1);
            db.Definitions.Add(next);
            await SaveAsync(latest, cancellationToken);
            return await DetailAsync(next, cancellationToken);
        }
        if (revision is null)
        {
            throw ProblemException.BadRequest("Send the revision you started editing from (the 'revision' field), so a concurrent edit cannot be overwritten.");
        }
        if (revision != latest.Revision) throw Stale(latest);
        Apply(latest, definition, latest.Version, actor);
        plans.Evict(latest.Id);
        db.Entry(latest).Property(d => d.Revision).OriginalValue = revision.Value;
        latest.Revision = revision.Value + 1;
        await SaveAsync(latest, cancellationToken);
        return await DetailAsync(latest, cancellationToken);
    }

    public async Task<ValidationResult> ValidateAsync(string definitionId, int? version, CancellationToken cancellationToken)
    {
        var record = await FindAsync(definitionId, version, cancellationToken);
        return await validator.ValidateAsync(WorkflowDefinitionJson.Parse(record.Json), cancellationToken);
    }

    /// <summary>The issues of a definition as given, saved nowhere: the designer's unsaved work, checked before anything is stored.</summary>
    public ValueTask<ValidationResult> ValidateAsync(JsonNode json, CancellationToken cancellationToken) => validator.ValidateAsync(Parse(json), cancellationToken);

    /// <summary>
    /// Publishes the latest draft; refused with the validation errors when it is invalid. A definition with
    /// <c>options.autoUpdateConsumingWorkflows</c> then points the definitions that use it as an activity at the new
    /// version (see <see cref="UpdateConsumersAsync"/>); the answer lists them.
    /// </summary>
    public async Task<DefinitionDetailDto> PublishAsync(string definitionId, string actor, CancellationToken cancellationToken)
    {
        var (published, changed) = await PublishCoreAsync(definitionId, actor, cancellationToken);
        var updates = new List<ConsumerUpdateDto>();
        if (changed) await UpdateConsumersAsync(published, actor, updates, cancellationToken);
        var detail = await DetailAsync(published, cancellationToken);
        return updates.Count == 0 ? detail : detail with { ConsumersUpdated = updates };
    }

    private async Task<(WorkflowDefinitionRecord Published, bool Changed)> PublishCoreAsync(string definitionId, string actor, CancellationToken cancellationToken)
    {
        var latest = await db.Definitions.FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.IsLatest, cancellationToken) ?? throw UnknownDefinition(definitionId);
        if (latest.State == DefinitionState.Published) return (latest, false);
        if (latest.State != DefinitionState.Draft)
        {
            throw ProblemException.Conflict($"Version {latest.Version} of '{definitionId}' is {latest.State.ToString().ToLowerInvariant()}; edit it to start a new draft, then publish that.");
        }
        var draft = WorkflowDefinitionJson.Parse(latest.Json);
        var result = await validator.ValidateAsync(draft, cancellationToken);
        var triggers = result.IsValid ? TriggerIndexer.Index(await plans.GetAsync(draft, definitions, cancellationToken)) : [];
        if (result.IsValid)
        {
            // An HTTP route can start only one published definition.
            var others = await db.Triggers.AsNoTracking().Where(t => t.DefinitionId != definitionId).ToListAsync(cancellationToken);
            var conflicts = RouteConflicts.Find(triggers, others.Select(t => new WorkflowTrigger(t.DefinitionId, t.DefinitionVersionId, t.ActivityId, t.ActivityType, t.StimulusHash, (JsonObject)JsonNode.Parse(t.Payload)!)));
            if (conflicts.Count > 0) result = new ValidationResult([.. result.Issues, .. conflicts]);
        }
        if (!result.IsValid)
        {
            throw ProblemException.Invalid(
                $"Version {latest.Version} of '{definitionId}' cannot be published: {string.Join(" ", result.Errors.Select(e => e.Message))}",
                new Dictionary<string, object?> { ["errors"] = result.Errors.ToList() });
        }
        var now = time.GetUtcNow();
        var previous = await db.Definitions.Where(d => d.DefinitionId == definitionId && d.State == DefinitionState.Published).ToListAsync(cancellationToken);
        foreach (var p in previous)
        {
            p.State = DefinitionState.Superseded;
            p.Json = DefinitionText.Stamp(p.Json, p.Version, published: false, latest: false);
            p.Revision++;
        }
        foreach (var trigger in triggers)
        {
            db.Triggers.Add(new TriggerRecord
            {
                Id = Guid.CreateVersion7(now).ToString("N"),
                DefinitionId = definitionId,
                DefinitionVersionId = latest.Id,
                ActivityId = trigger.ActivityId,
                ActivityType = trigger.ActivityType,
                StimulusHash = trigger.StimulusHash,
                Payload = trigger.Payload.ToJsonString(),
            });
        }
        latest.PublishedAt = now;
        latest.UpdatedAt = now;
        latest.UpdatedBy = actor;
        latest.Json = DefinitionText.Stamp(latest.Json, latest.Version, published: true, latest: true);
        latest.Revision++;
        // Two saves in one transaction: the old version leaves the published state before the new one
        // enters it, so the filtered unique index never sees two published rows.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // The trigger index is replaced in the same transaction as the publish.
            await db.Triggers.Where(t => t.DefinitionId == definitionId).ExecuteDeleteAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            latest.State = DefinitionState.Published;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex)
        {
            throw ProblemException.Conflict($"'{definitionId}' was changed or published by someone else at the same moment; reload and try again. ({ex.InnerException?.Message ?? ex.Message})");
        }
        finally
        {
            publishedVersions.Forget(definitionId); // other nodes learn it from their next start's check
        }
        return (latest, true);
    }

    /// <summary>Retires the published version: no new instances start on it; running ones continue.</summary>
    public async Task<DefinitionDetailDto> RetireAsync(string definitionId, string actor, CancellationToken cancellationToken)
    {
        var published = await db.Definitions.FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.State == DefinitionState.Published, cancellationToken);
        if (published is null)
        {
            if (!await db.Definitions.AnyAsync(d => d.DefinitionId == definitionId, cancellationToken)) throw UnknownDefinition(definitionId);
            throw ProblemException.Conflict($"'{definitionId}' has no published version to retire.");
        }
        await db.Triggers.Where(t => t.DefinitionId == definitionId).ExecuteDeleteAsync(cancellationToken);
        published.State = DefinitionState.Retired;
        published.UpdatedAt = time.GetUtcNow();
        published.UpdatedBy = actor;
        published.Json = DefinitionText.Stamp(published.Json, published.Version, published: false, latest: published.IsLatest);
        published.Revision++;
        await SaveAsync(published, cancellationToken);
        publishedVersions.Forget(definitionId);
        return await DetailAsync(published, cancellationToken);
    }

    /// <summary>Copies an old version into a new draft (the latest draft, if any, is replaced by a new version after it).</summary>
    public async Task<DefinitionDetailDto> RollbackAsync(string definitionId, int version, string actor, CancellationToken cancellationToken)
    {
        var source = await FindAsync(definitionId, version, cancellationToken);
        var latest = await db.Definitions.FirstAsync(d => d.DefinitionId == definitionId && d.IsLatest, cancellationToken);
        var definition = WorkflowDefinitionJson.Parse(source.Json);
        latest.IsLatest = false;
        latest.Json = DefinitionText.Stamp(latest.Json, latest.Version, latest.State == DefinitionState.Published, latest: false);
        latest.Revision++;
        var draft = NewVersion(definition, latest.Version + 1, actor, null, latest.Revision + 1);
        db.Definitions.Add(draft);
        await SaveAsync(latest, cancellationToken);
        return await DetailAsync(draft, cancellationToken);
    }

    /// <summary>Definitions that use this one (as an activity, or by ExecuteWorkflow/DispatchWorkflow), directly or through others.</summary>
    public async Task<IReadOnlyList<string>> ConsumersAsync(string definitionId, CancellationToken cancellationToken)
    {
        var latest = await db.Definitions.AsNoTracking().Where(d => d.IsLatest).Select(d => new { d.DefinitionId, d.Json }).ToListAsync(cancellationToken);
        if (!latest.Any(d => d.DefinitionId == definitionId)) throw UnknownDefinition(definitionId);
        return DefinitionReferences.Consumers(latest.Select(d => WorkflowDefinitionJson.Parse(d.Json)), definitionId);
    }

    public async Task<DefinitionDiff> DiffAsync(string definitionId, int from, int to, CancellationToken cancellationToken)
    {
        var a = await FindAsync(definitionId, from, cancellationToken);
        var b = await FindAsync(definitionId, to, cancellationToken);
        return DefinitionDiff.Compute(WorkflowDefinitionJson.Parse(a.Json), WorkflowDefinitionJson.Parse(b.Json));
    }

    private async Task SaveAsync(WorkflowDefinitionRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Definitions.AsNoTracking().FirstAsync(d => d.Id == record.Id, cancellationToken);
            throw Stale(current);
        }
    }

    private async Task<DefinitionDetailDto> DetailAsync(WorkflowDefinitionRecord record, CancellationToken cancellationToken)
    {
        var definition = WorkflowDefinitionJson.Parse(record.Json);
        var result = await validator.ValidateAsync(definition, cancellationToken);
        return new DefinitionDetailDto(DefinitionVersionDto.From(record), WorkflowDefinitionJson.ToJson(definition), result.Issues);
    }

    /// <remarks>
    /// <paramref name="revision"/> continues the previous version's count, so an edit someone started on that version is
    /// stale on this one (a revision is what an editor sends back with a save).
    /// </remarks>
    private WorkflowDefinitionRecord NewVersion(WorkflowDefinition definition, int version, string actor, string? sourceHash, long revision = 1)
    {
        var now = time.GetUtcNow();
        var record = new WorkflowDefinitionRecord
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            DefinitionId = definition.DefinitionId,
            Version = version,
            Name = "",
            Json = "",
            State = DefinitionState.Draft,
            IsLatest = true,
            CreatedAt = now,
            CreatedBy = actor,
            SourceHash = sourceHash,
            Revision = revision,
        };
        Apply(record, definition, version, actor);
        return record;
    }

    private void Apply(WorkflowDefinitionRecord record, WorkflowDefinition definition, int version, string actor)
    {
        definition.Id = record.Id;
        definition.Version = version;
        definition.IsPublished = false;
        definition.IsLatest = true;
        record.Name = string.IsNullOrWhiteSpace(definition.Name) ? definition.DefinitionId : definition.Name!;
        record.Description = definition.Description;
        record.Json = WorkflowDefinitionJson.Serialize(definition);
        record.UpdatedAt = time.GetUtcNow();
        record.UpdatedBy = actor;
    }

    private static WorkflowDefinition Parse(JsonNode? json) => json is null
        ? throw ProblemException.BadRequest("The request has no definition; send the workflow definition JSON.")
        : WorkflowDefinitionJson.Read(json);

    private static ProblemException UnknownDefinition(string definitionId) =>
        ProblemException.NotFound($"There is no workflow definition '{DefinitionIds.Shorten(definitionId)}'.");

    private static ProblemException Stale(WorkflowDefinitionRecord current) => ProblemException.Conflict(
        $"Version {current.Version} of '{current.DefinitionId}' was changed by {current.UpdatedBy ?? "someone"} at {current.UpdatedAt:u} (revision {current.Revision}); reload it, reapply your edit and save again.",
        new Dictionary<string, object?> { ["changedBy"] = current.UpdatedBy, ["changedAt"] = current.UpdatedAt, ["revision"] = current.Revision });
}
