namespace ItsmWorkflows.Server.Web;

/// <summary>
/// The server reads appsettings.json and serves the web app from its content root, which is the folder it was started
/// in. Started from elsewhere (a service unit without a working directory, a path to the binary), it silently runs
/// on defaults and answers 503 for the web app; this says so at start-up, with the fix.
/// </summary>
internal static partial class ContentRootCheck
{
    public static void WarnIfMisplaced(WebApplication app)
    {
        var root = app.Environment.ContentRootPath;
        if (File.Exists(Path.Combine(root, "appsettings.json"))) return;
        var own = AppContext.BaseDirectory;
        LogMisplaced(app.Logger, root, own);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No appsettings.json in {ContentRoot}, the folder the server was started in: its settings file and web app are not read from there. Start it from its own folder ({Own}), or pass --contentRoot <that folder>.")]
    private static partial void LogMisplaced(ILogger logger, string contentRoot, string own);
}
