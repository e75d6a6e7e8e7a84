using System.Runtime.ExceptionServices;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// Runs a recursive third-party routine (Fluid's parser) on a thread of its own with a large stack.
/// A stack overflow cannot be caught in .NET, so the only defence for recursion we do not control is a
/// stack deeper than any input we accept can reach. Linux and Windows reserve the stack and commit only
/// the pages that are touched, so an ordinary parse costs the thread start (tens of microseconds), not the size.
/// </summary>
internal static class LargeStack
{
    /// <summary>Measured: 30,000 nested brackets (90 kB of template) parse in 256 MB and overflow 64 MB.</summary>
    public const int StackBytes = 256 * 1024 * 1024;

    public static T Run<T>(Func<T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
        }, StackBytes)
        {
            IsBackground = true,
            Name = "Liquid parse",
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
