namespace ItsmWorkflows.Server.Benchmarks;

/// <summary>
/// An empty folder for the server's Workflows:Path when a test or benchmark wants no shipped workflows. The temp
/// folder itself will not do: the server imports every subfolder of it, and other tests create and delete theirs there
/// (a folder deleted between listing and reading stopped a server at start-up).
/// </summary>
internal static class NoWorkflowsFolder
{
    public static string Path { get; } = Create();

    private static string Create()
    {
        var folder = Directory.CreateTempSubdirectory("itsm-no-workflows-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        };
        return folder;
    }
}
