using System.Diagnostics;

namespace ItsmWorkflows.Server.Benchmarks;

/// <summary>
/// Warm-up until the JIT is quiet. Tiered compilation promotes a method only after 30 calls and a pause in new
/// compilations, and the server's paths run through tens of thousands of methods: measured, the JIT was still taking
/// a seventh of this machine's CPU a few seconds after 2,000 starts, and settled after about fifteen. A server that
/// runs for hours runs in that settled state, so that is the state the benchmarks measure.
/// </summary>
internal static class JitWarmUp
{
    /// <summary>Runs <paramref name="pass"/> until one pass compiles at most 20 methods (at most two minutes).</summary>
    public static async Task UntilQuietAsync(string what, Func<Task> pass)
    {
        var clock = Stopwatch.StartNew();
        var passes = 0;
        long compiled;
        do
        {
            compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            await pass();
            passes++;
        }
        while (System.Runtime.JitInfo.GetCompiledMethodCount() - compiled > 20 && clock.Elapsed < TimeSpan.FromMinutes(2));
        Console.WriteLine($"warm-up ({what}): {passes} passes in {clock.Elapsed.TotalSeconds:0} s, the last compiled {System.Runtime.JitInfo.GetCompiledMethodCount() - compiled} methods");
    }
}
