using System.Diagnostics;
using ItsmWorkflows.Benchmarks;
using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Planning;

// In-memory bursts on one core: runs per second and bytes allocated per run, next to a baseline
// measured in the same run (serializing and reading back the state a burst produces, which is what a
// persisted burst pays on top of the engine).
// Usage: dotnet run -c Release --project tests/ItsmWorkflows.Benchmarks
var pinned = false;
try
{
    if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
    {
        Process.GetCurrentProcess().ProcessorAffinity = 1;
        pinned = true;
    }
}
catch (Exception ex) when (ex is PlatformNotSupportedException or System.ComponentModel.Win32Exception or InvalidOperationException)
{
}
Console.WriteLine($"ItsmWorkflows engine benchmark · .NET {Environment.Version} · {(pinned ? "pinned to one core" : "not pinned (the platform refused)")} · server GC {System.Runtime.GCSettings.IsServerGC}");

var services = new WorkflowServices { Lines = NullLineWriter.Instance };
var runner = new WorkflowRunner(services);
var registry = ActivityRegistry.CreateDefault();

var results = new List<(string Name, double RunsPerSecond, double BytesPerRun)>();
foreach (var (name, json) in new[] { ("flowchart-10 (JavaScript decision)", Workloads.TenActivityFlowchart()), ("fork-join-20", Workloads.ForkJoin(20)) })
{
    var plan = await new PlanCompiler(registry).CompileAsync(WorkflowDefinitionJson.Parse(json));
    if (plan.Issues.Count > 0) throw new InvalidOperationException($"{name}: {string.Join("; ", plan.Issues.Select(i => i.Message))}");
    async Task<WorkflowState> RunOnceAsync()
    {
        var state = runner.CreateInstance(plan, instanceId: "bench");
        await runner.StartAsync(plan, state);
        return state;
    }
    var check = await RunOnceAsync();
    // A benchmark of a broken run measures nothing: every run must finish, and the expected path must be taken.
    if (check.Status != WorkflowStatus.Finished || check.Incidents.Count > 0) throw new InvalidOperationException($"{name} did not finish: {check.Status}/{check.SubStatus}");
    var expectedLast = name.StartsWith("flowchart", StringComparison.Ordinal) ? "W4" : "After";
    if (!check.Journal.Any(j => j.ActivityId == expectedLast && j.Event == JournalEvent.Completed)) throw new InvalidOperationException($"{name} did not take the expected path to {expectedLast}");
    var completed = check.Journal.Count(j => j.Event == JournalEvent.Completed);
    Console.WriteLine($"{name}: {completed} activities completed per run (the flowchart container included)");
    var (rate, bytes) = await MeasureAsync(RunOnceAsync);
    results.Add((name, rate, bytes));
    var state = await RunOnceAsync();
    var (baselineRate, baselineBytes) = await MeasureAsync(() =>
    {
        var copy = WorkflowStateJson.Deserialize(WorkflowStateJson.Serialize(state));
        return Task.FromResult(copy);
    });
    Console.WriteLine($"{name,-36} {rate,12:N0} runs/s {bytes,10:N0} B/run   baseline (state JSON write+read) {baselineRate,10:N0} /s {baselineBytes,8:N0} B   ratio {rate / baselineRate:0.00}×");
}
var ten = results[0];
Console.WriteLine($"goal: >= 20,000 ten-activity runs/s on one core -> {(ten.RunsPerSecond >= 20_000 ? "met" : "NOT met")} ({ten.RunsPerSecond:N0} runs/s)");

static async Task<(double RunsPerSecond, double BytesPerRun)> MeasureAsync(Func<Task<WorkflowState>> run)
{
    // Warm up (tiered JIT, Jint engine, plan caches), then take the median of several timed rounds.
    var warmup = Stopwatch.StartNew();
    while (warmup.Elapsed < TimeSpan.FromSeconds(2)) await run();
    var rates = new List<double>();
    var bytes = new List<double>();
    for (var round = 0; round < 7; round++)
    {
        const int iterations = 5_000;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) await run();
        sw.Stop();
        rates.Add(iterations / sw.Elapsed.TotalSeconds);
        bytes.Add((GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)iterations);
    }
    rates.Sort();
    bytes.Sort();
    return (rates[rates.Count / 2], bytes[bytes.Count / 2]);
}
