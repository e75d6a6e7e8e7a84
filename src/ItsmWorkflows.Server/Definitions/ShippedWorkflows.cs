namespace ItsmWorkflows.Server.Definitions;

/// <summary>
/// Imports <c>workflows/&lt;definition-id&gt;/v&lt;N&gt;.json</c> at start-up, in version order: an unchanged
/// file is skipped (content hash), a new file becomes the next version, and the newest is published.
/// </summary>
internal sealed partial class ShippedWorkflows(DefinitionService definitions, IConfiguration configuration, IWebHostEnvironment environment, ILogger<ShippedWorkflows> logger)
{
    public string? Folder => configuration["Workflows:Path"] is { Length: > 0 } configured ? configured : FindFolder(environment.ContentRootPath);

    public async Task ImportAsync(CancellationToken cancellationToken)
    {
        var folder = Folder;
        if (folder is null || !Directory.Exists(folder))
        {
            LogNoFolder(logger, folder ?? "(none found)");
            return;
        }
        foreach (var definitionFolder in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var files = Directory.GetFiles(definitionFolder, "v*.json")
                .Select(f => (Path: f, Version: int.TryParse(Path.GetFileNameWithoutExtension(f)[1..], out var v) ? v : -1))
                .Where(f => f.Version > 0)
                .OrderBy(f => f.Version)
                .ToList();
            for (var i = 0; i < files.Count; i++)
            {
                var json = await File.ReadAllTextAsync(files[i].Path, cancellationToken);
                var result = await definitions.ImportAsync(files[i].Path, json, asNewVersion: true, publish: i == files.Count - 1, "system", cancellationToken);
                LogImported(logger, result.File, result.Outcome, result.DefinitionId, result.Version);
            }
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "No shipped workflows folder at {Folder}")]
    private static partial void LogNoFolder(ILogger logger, string folder);
}
