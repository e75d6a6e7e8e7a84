using ItsmWorkflows.Engine.Definitions;

namespace ItsmWorkflows.Conformance;

/// <summary>Loads every corpus file and runs every scenario; reports each failure with its reason.</summary>
public static class ConformanceRunner
{
    /// <summary>../shared/elsa-corpus relative to the repository root (the folder holding ItsmWorkflows.sln).</summary>
    public static string? FindCorpus(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "ItsmWorkflows.sln"))) continue;
            var corpus = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "elsa-corpus"));
            return Directory.Exists(corpus) ? corpus : null;
        }
        return null;
    }

    /// <summary>The corpus files listed in INDEX.txt (relative to elsa-core/).</summary>
    public static IReadOnlyList<string> Files(string corpusRoot)
    {
        var root = Path.Combine(corpusRoot, "elsa-core");
        return [.. Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Reads one file: null when it loads, else the reason it was rejected.</summary>
    public static string? TryLoad(string corpusRoot, string file)
    {
        try
        {
            CorpusHost.Parse(corpusRoot, file);
            return null;
        }
        catch (DefinitionFormatException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Runs one scenario in a fresh host: null when it ran as expected, else why not.</summary>
    public static async Task<string?> RunAsync(string corpusRoot, Scenario scenario)
    {
        var host = new CorpusHost(corpusRoot);
        try
        {
            await scenario.Run(host);
        }
        catch (ScenarioFailedException failure)
        {
            return failure.Message;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
        return scenario.Unsupported is { } reason ? "unsupported: " + reason : null;
    }

    public static async Task<int> MainAsync(TextWriter output, string? corpusRoot)
    {
        corpusRoot ??= FindCorpus();
        if (corpusRoot is null || !Directory.Exists(corpusRoot))
        {
            output.WriteLine("The Elsa corpus was not found: it is expected at ../shared/elsa-corpus beside the repository. Nothing was checked.");
            return 2;
        }
        var files = Files(corpusRoot);
        var loaded = 0;
        foreach (var file in files)
        {
            var rejection = TryLoad(corpusRoot, file);
            if (rejection is null) loaded++;
            else output.WriteLine($"REJECTED {file}: {rejection}");
        }
        var asExpected = 0;
        foreach (var scenario in ScenarioCatalog.All)
        {
            var failure = await RunAsync(corpusRoot, scenario);
            if (failure is null) asExpected++;
            else output.WriteLine($"NOT AS EXPECTED {scenario.Name} ({scenario.File}): {failure}");
        }
        output.WriteLine($"loaded {loaded}/{files.Count}, ran as expected {asExpected}/{ScenarioCatalog.All.Count}");
        return loaded == files.Count ? 0 : 1;
    }
}
