namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// The key under which a host may register the engine's own <see cref="TimeProvider"/> (tests move it to fire
/// timers and SLAs; sign-in cookies keep the server's real clock). Without one the engine uses the server's clock.
/// </summary>
internal static class EngineClock
{
    public const string Key = "engine";
}
