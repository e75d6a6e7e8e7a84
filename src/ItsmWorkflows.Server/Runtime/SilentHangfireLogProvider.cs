using Hangfire.Logging;

namespace ItsmWorkflows.Server.Runtime;

/// <summary>
/// Hangfire keeps its log provider in a process-wide static. Several test servers in one process would
/// share (and dispose) one logger factory; with Jobs:HangfireLogs=none they log nothing instead.
/// </summary>
internal sealed class SilentHangfireLogProvider : ILogProvider
{
    public ILog GetLogger(string name) => SilentLog.Instance;

    private sealed class SilentLog : ILog
    {
        public static SilentLog Instance { get; } = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string> messageFunc, Exception exception) => false;
    }
}
