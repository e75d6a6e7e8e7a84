using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Definitions;

/// <summary>Importing Elsa JSON files as definitions or their next versions.</summary>
internal sealed partial class DefinitionService
{
    /// <summary>The problem's extension that says the file was saved as this draft version though not published.</summary>
    public const string SavedAsDraft = "savedAsDraft";

    /// <summary>
    /// Imports one file. An existing definition id becomes its next version when <paramref name="asNewVersion"/>,
    /// else 409; an unchanged file (same content hash as a stored version) is skipped.
    /// </summary>
    public async Task<ImportResultDto> ImportAsync(string file, string json, bool asNewVersion, bool publish, string actor, CancellationToken cancellationToken)
    {
        var hash = DefinitionText.SourceHash(json);
        WorkflowDefinition definition;
        try
        {
            definition = WorkflowDefinitionJson.Parse(json);
        }
        catch (DefinitionFormatException ex)
        {
            return new ImportResultDto(file, null, null, "rejected", ex.Message);
        }
        if (string.IsNullOrWhiteSpace(definition.DefinitionId)) definition.DefinitionId = DefinitionIds.FromName(definition.Name);
        DefinitionIds.Check(definition.DefinitionId);
        var existing = await db.Definitions.Where(d => d.DefinitionId == definition.DefinitionId).OrderByDescending(d => d.Version).ToListAsync(cancellationToken);
        if (existing.FirstOrDefault(d => d.SourceHash == hash) is { } same)
        {
            return new ImportResultDto(file, same.DefinitionId, same.Version, "unchanged", null);
        }
        if (publish)
        {
            // Asked to publish, a file that cannot be published changes nothing (a draft it would replace stays as it was).
            var check = await validator.ValidateAsync(definition, cancellationToken);
            if (!check.IsValid)
            {
                throw ProblemException.Invalid($"'{definition.DefinitionId}' cannot be published, so nothing was imported: {string.Join(" ", check.Errors.Select(e => e.Message))}",
                    new Dictionary<string, object?> { ["errors"] = check.Errors.ToList() });
            }
        }
        WorkflowDefinitionRecord record;
        if (existing.Count == 0)
        {
            record = NewVersion(definition, 1, actor, hash);
            db.Definitions.Add(record);
            await db.SaveChangesAsync(cancellationToken);
        }
        else if (!asNewVersion)
        {
            throw ProblemException.Conflict(existing[0].State == DefinitionState.Draft
                ? $"Definition '{definition.DefinitionId}' already exists and its latest version {existing[0].Version} is an unpublished draft; import it as a new version (asNewVersion=true) to replace that draft with this file."
                : $"Definition '{definition.DefinitionId}' already exists (latest version {existing[0].Version}); import it as a new version (asNewVersion=true) to keep both.");
        }
        else
        {
            var latest = existing[0];
            if (latest.State == DefinitionState.Draft)
            {
                // An unpublished draft is replaced by the imported content, keeping its version number.
                Apply(latest, definition, latest.Version, actor);
                plans.Evict(latest.Id);
                latest.SourceHash = hash;
                latest.Revision++;
                record = latest;
            }
            else
            {
                latest.IsLatest = false;
                latest.Json = DefinitionText.Stamp(latest.Json, latest.Version, latest.State == DefinitionState.Published, latest: false);
                latest.Revision++;
                record = NewVersion(definition, latest.Version + 1, actor, hash, latest.Revision + 1);
                db.Definitions.Add(record);
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        if (publish)
        {
            DefinitionDetailDto detail;
            try
            {
                detail = await PublishAsync(record.DefinitionId, actor, cancellationToken);
            }
            catch (ProblemException ex)
            {
                // Valid on its own but refused at publishing (another definition's route, a concurrent publish): saved,
                // not published. What the failed publish left tracked is dropped, so the next file starts clean.
                db.ChangeTracker.Clear();
                var extensions = new Dictionary<string, object?>(ex.Extensions) { [SavedAsDraft] = record.Version };
                throw new ProblemException(ex.Status, ex.Title, $"Saved as draft version {record.Version} of '{record.DefinitionId}' but not published: {ex.Message}", extensions);
            }
            var consumers = detail.ConsumersUpdated is { Count: > 0 } updated
                ? "Consumers: " + string.Join("; ", updated.Select(u => $"{u.DefinitionId} v{u.Version} {u.Outcome}{(u.Message is null ? "" : $" ({u.Message})")}")) + "."
                : null;
            return new ImportResultDto(file, record.DefinitionId, record.Version, "published", consumers);
        }
        return new ImportResultDto(file, record.DefinitionId, record.Version, "imported", null);
    }
}
