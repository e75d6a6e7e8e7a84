using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Definitions;

/// <summary>
/// Imports <c>workflows/&lt;definition-id&gt;/v&lt;N&gt;.json</c> at start-up. A file whose content is stored
/// (content hash) is skipped; the files after the newest stored one become the next versions, each published in
/// turn, so the newest is the published one and the older ones stay as superseded history. A database that has
/// none of a definition's files takes only the newest: it never ran the older versions, and importing them first
/// left the older content behind as a draft (the next file replaced that draft, and the next start imported the
/// older file again as a new draft above the published version).
/// </summary>
internal sealed partial class ShippedWorkflows(DefinitionService definitions, Data.ItsmDbContext db, IConfiguration configuration, IWebHostEnvironment environment, ILogger<ShippedWorkflows> logger)
{
    public string? Folder => configuration["Workflows:Path"] is { Length: > 0 } configured ? configured : FindFolder(environment.ContentRootPath);

    public async Task ImportAsync(CancellationToken cancellationToken)
    {
        var folder = Folder;
        if (folder is null || !Directory.Exists(folder))
        {
            LogNoFolder(logger, folder ?? $"{environment.ContentRootPath} or the folders above it");
            return;
        }
        foreach (var definitionFolder in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var files = Directory.GetFiles(definitionFolder, "v*.json")
                .Select(f => (Path: f, Version: int.TryParse(Path.GetFileNameWithoutExtension(f)[1..], out var v) ? v : -1))
                .Where(f => f.Version > 0)
                .OrderBy(f => f.Version)
                .ToList();
            if (files.Count == 0) continue;
            var texts = new List<string>(files.Count);
            foreach (var file in files) texts.Add(await File.ReadAllTextAsync(file.Path, cancellationToken));
            var hashes = texts.Select(DefinitionText.SourceHash).ToList();
            var stored = await StoredVersionsAsync(texts, cancellationToken);
            var storedHashes = stored.Select(v => v.SourceHash).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var newestStored = hashes.FindLastIndex(storedHashes.Contains);
            if (newestStored == files.Count - 1) await DiscardStrayDraftAsync(stored, hashes, cancellationToken);
            var first = newestStored >= 0 ? newestStored + 1 : files.Count - 1;
            for (var i = 0; i < files.Count; i++)
            {
                if (i < first)
                {
                    LogSkipped(logger, files[i].Path, newestStored >= 0 ? "stored, or older than a stored version" : "older than the newest, which a new database starts from");
                    continue;
                }
                var result = await definitions.ImportAsync(files[i].Path, texts[i], asNewVersion: true, publish: true, "system", cancellationToken);
                LogImported(logger, result.File, result.Outcome, result.DefinitionId, result.Version);
            }
        }
    }

    /// <summary>
    /// Repairs what the import before 2026-11-28 left in databases it had run on twice: a draft above the published
    /// version holding an older shipped file. It goes only if nobody touched it since (created by the import, never
    /// saved again) and the published version is the newest file; a draft a process owner worked on stays.
    /// </summary>
    private async Task DiscardStrayDraftAsync(List<StoredVersion> stored, List<string> hashes, CancellationToken cancellationToken)
    {
        if (hashes.Count < 2 || stored.FirstOrDefault(v => v.SourceHash == hashes[^1]) is not { } newest) return;
        var older = hashes.SkipLast(1).ToHashSet(StringComparer.Ordinal);
        var versions = stored.Where(v => v.DefinitionId == newest.DefinitionId).OrderByDescending(v => v.Version).ToList();
        if (versions.Count < 2 || versions[0] is not { State: Data.DefinitionState.Draft, CreatedBy: "system", UpdatedBy: "system", SourceHash: { } draftHash } stray || !older.Contains(draftHash)) return;
        if (versions.FirstOrDefault(v => v.State == Data.DefinitionState.Published) is not { } live || live.SourceHash != newest.SourceHash) return;
        // Only now, in the rare database that needs it, are the two records read whole.
        var draft = await db.Definitions.FirstAsync(d => d.Id == stray.Id, cancellationToken);
        var published = await db.Definitions.FirstAsync(d => d.Id == live.Id, cancellationToken);
        db.Definitions.Remove(draft);
        published.IsLatest = true;
        published.Json = DefinitionText.Stamp(published.Json, published.Version, published: true, latest: true);
        published.Revision++;
        await db.SaveChangesAsync(cancellationToken);
        LogDiscarded(logger, newest.DefinitionId, draft.Version);
    }

    /// <remarks>Untouched since the import: created and last saved by "system" (a person's save names the person).</remarks>
    private sealed record StoredVersion(string Id, string DefinitionId, int Version, Data.DefinitionState State, string? SourceHash, string? CreatedBy, string? UpdatedBy);

    /// <summary>
    /// The stored versions of the definition the files describe (their definitionId; none if they name none), without
    /// their JSON: one small query per process on each start.
    /// </summary>
    private async Task<List<StoredVersion>> StoredVersionsAsync(List<string> texts, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            try
            {
                if (System.Text.Json.Nodes.JsonNode.Parse(text)?["definitionId"]?.GetValue<string>() is { Length: > 0 } id) ids.Add(id);
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
            {
                // Not readable: the import says why when it gets to this file.
            }
        }
        return await db.Definitions.AsNoTracking().Where(d => ids.Contains(d.DefinitionId))
            .Select(d => new StoredVersion(d.Id, d.DefinitionId, d.Version, d.State, d.SourceHash, d.CreatedBy, d.UpdatedBy))
            .ToListAsync(cancellationToken);
    }

    private static string? FindFolder(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "workflows");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "ItsmWorkflows.sln"))) return candidate;
            if (Directory.Exists(candidate) && dir.FullName == start) return candidate;
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shipped workflow {File}: {Outcome} ({DefinitionId} v{Version})")]
    private static partial void LogImported(ILogger logger, string file, string outcome, string? definitionId, int? version);

    // Every start skips every file already stored: at Debug, or each start repeated a dozen lines saying nothing happened.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Shipped workflow {File}: skipped ({Reason})")]
    private static partial void LogSkipped(ILogger logger, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed draft version {Version} of {DefinitionId}: an older shipped file an earlier import left above the published version, never edited")]
    private static partial void LogDiscarded(ILogger logger, string definitionId, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No shipped workflows folder (workflows/) found in {Folder}; set Workflows:Path to import the three shipped processes")]
    private static partial void LogNoFolder(ILogger logger, string folder);
}
