namespace ItsmWorkflows.Server.Tests;

/// <summary>Reads Elsa corpus files from ../shared (never copied into the repository).</summary>
public static class Corpus
{
    public static string Read(string relativePath)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ItsmWorkflows.sln"))) dir = dir.Parent;
        var root = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Cannot find ItsmWorkflows.sln above the test binaries."), "..", "shared", "elsa-corpus", "elsa-core");
        return File.ReadAllText(Path.Combine(root, relativePath));
    }

    public const string ImplicitLoop = "test/integration/Elsa.Workflows.IntegrationTests/Scenarios/ImportAndExecute/Workflows/implicit-loop.json";

    public const string EventWorkflow = "test/integration/Elsa.Workflows.IntegrationTests/Scenarios/FlowchartCompletion/Workflows/workflow5.json";
}
