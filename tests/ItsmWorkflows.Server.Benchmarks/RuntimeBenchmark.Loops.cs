using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ItsmWorkflows.Server.Benchmarks;

internal static partial class RuntimeBenchmark
{
    /// <summary>
    /// Loops for a profiler to attach to instead of the figures, when asked: ITSM_BENCH_RESUME_LOOP=&lt;n&gt; resumes n
    /// approvals through the API and prints where each request's time went; ITSM_BENCH_WORKFLOW_LOOP=&lt;seconds&gt; runs
    /// 10-activity workflows in process. Returns whether one ran.
    /// </summary>
    private static async Task<bool> ProfilerLoopsAsync(HttpClient client, WebApplicationFactory<Program> factory, string connectionString)
    {
        if (Environment.GetEnvironmentVariable("ITSM_BENCH_RESUME_LOOP") is { Length: > 0 } loopCount)
        {
            // API resumes only, for a profiler to attach to (dotnet-trace collect -p <pid>): the instances are started
            // first, then resumed one after another, the rate printed every 5 s.
            var waiting = new List<(string Instance, string Bookmark)>();
            for (var i = 0; i < int.Parse(loopCount, CultureInfo.InvariantCulture); i++)
            {
                var started = JsonNode.Parse(await (await client.PostAsJsonAsync("/api/instances", new { definitionId = "approval" })).Content.ReadAsStringAsync())!;
                waiting.Add((started["instance"]!["id"]!.GetValue<string>(), started["bookmarks"]![0]!["id"]!.GetValue<string>()));
            }
            Console.WriteLine($"resume loop, pid {Environment.ProcessId}, {waiting.Count} instances waiting");
            using var commands = new CommandTimings();
            var lap = Stopwatch.StartNew();
            var lapCount = 0;
            var requestTimes = new List<double>();
            foreach (var (instance, bookmark) in waiting)
            {
                var t = Stopwatch.StartNew();
                (await client.PostAsJsonAsync($"/api/instances/{instance}/bookmarks/{bookmark}/resume", new { payload = new { decision = "approve" } })).EnsureSuccessStatusCode();
                requestTimes.Add(t.Elapsed.TotalMilliseconds);
                commands.EndRequest();
                if (++lapCount < 500 || lap.Elapsed.TotalSeconds < 5) continue;
                Console.WriteLine($"  {lapCount / lap.Elapsed.TotalSeconds:N0} resumes/s");
                lap.Restart();
                lapCount = 0;
            }
            Console.WriteLine($"  per resume: request p50 {Percentiles(requestTimes).P50:0.00} ms; {commands.Describe()}");
            await SingleWriteLatenciesAsync(connectionString, 200);
            var writes = await SingleWriteLatenciesAsync(connectionString, 500);
            Console.WriteLine($"  single durable write p50 {Percentiles(writes).P50:0.00} ms");
            return true;
        }

        if (Environment.GetEnvironmentVariable("ITSM_BENCH_WORKFLOW_LOOP") is { Length: > 0 } loopSeconds)
        {
            // 10-activity workflows only, for a profiler to attach to (perf record -p <pid>): the rate every 5 s.
            var sweeps = new Hangfire.RecurringJobManager(factory.Services.GetRequiredService<Hangfire.JobStorage>());
            await JitWarmUp.UntilQuietAsync("workflow loop", async () =>
            {
                sweeps.Trigger(ItsmWorkflows.Server.Runtime.TimerSweepJob.RecurringId);
                sweeps.Trigger(ItsmWorkflows.Server.Mail.OutboxDeliveryJob.RecurringId);
                for (var i = 0; i < 300; i++) await StartInProcessAsync(factory, "ten");
            });
            Console.WriteLine($"workflow loop, pid {Environment.ProcessId}");
            var loop = Stopwatch.StartNew();
            while (loop.Elapsed.TotalSeconds < int.Parse(loopSeconds, CultureInfo.InvariantCulture))
            {
                var lap = Stopwatch.StartNew();
                var count = 0;
                var commands = new System.Collections.Concurrent.ConcurrentQueue<(string, double)>();
                var totals = new List<double>();
                var inDatabase = new List<double>();
                var statementCounts = new List<double>();
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var allocatedBefore = GC.GetTotalAllocatedBytes();
                var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
                using (var listener = new ActivityListener
                {
                    ShouldListenTo = source => source.Name == "Npgsql",
                    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                    ActivityStopped = activity => commands.Enqueue((activity.DisplayName, activity.Duration.TotalMilliseconds)),
                })
                {
                    ActivitySource.AddActivityListener(listener);
                    while (lap.Elapsed.TotalSeconds < 5)
                    {
                        commands.Clear();
                        var one = Stopwatch.StartNew();
                        await StartInProcessAsync(factory, "ten");
                        totals.Add(one.Elapsed.TotalMilliseconds);
                        inDatabase.Add(commands.Sum(c => c.Item2));
                        statementCounts.Add(commands.Count);
                        count++;
                    }
                }
                Console.WriteLine($"  {count / lap.Elapsed.TotalSeconds:N0} workflows/s; per workflow p50 {Percentiles(totals).P50:0.00} ms, of which database commands p50 {Percentiles(inDatabase).P50:0.00} ms ({Percentiles(statementCounts).P50:0} commands); CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / count:0.000} ms, allocated {(GC.GetTotalAllocatedBytes() - allocatedBefore) / count / 1024.0:0.0} kB; JIT compiled {System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore} methods");
            }
            return true;
        }

        return false;
    }
}
