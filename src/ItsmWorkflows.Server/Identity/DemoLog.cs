namespace ItsmWorkflows.Server.Identity;

/// <summary>What the server says about its demo at start-up.</summary>
internal static partial class DemoLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo is on in Production (Demo:Enabled): anyone who reaches this server can sign in as any demo person, an admin included, without a password. Turn it off unless this server is a demo.")]
    public static partial void OnInProduction(ILogger logger);
}
