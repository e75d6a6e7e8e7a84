using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;

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
            for (var i = 0; i < 500; i++) await StartInProcessAsync(factory, "ten");
            Console.WriteLine($"workflow loop, pid {Environment.ProcessId}");
            var loop = Stopwatch.StartNew();
            while (loop.Elapsed.TotalSeconds < int.Parse(loopSeconds, CultureInfo.InvariantCulture))
            {
                var lap = Stopwatch.StartNew();
                var count = 0;
                while (lap.Elapsed.TotalSeconds < 5)
                {
                    await StartInProcessAsync(factory, "ten");
                    count++;
                }
                Console.WriteLine($"  {count / lap.Elapsed.TotalSeconds:N0} workflows/s");
            }
            return true;
        }

        return false;
    }
}
