using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Runtime;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItsmWorkflows.Server.Benchmarks;

/// <summary>
/// The durable runtime on PostgreSQL, each figure against a baseline measured in the same run on the same database:
/// completed 10-activity workflows/s ÷ pgbench doing the same writes, commits per workflow, API resume latency
/// ÷ a single durable write, and timer lateness over real Hangfire timers.
/// Usage: dotnet run -c Release --project tests/ItsmWorkflows.Server.Benchmarks -- runtime
/// </summary>
internal static partial class RuntimeBenchmark
{
    private const string TenActivities = """
        { "definitionId": "ten", "name": "ten", "variables": [ { "id": "v", "name": "Amount", "typeName": "Int32", "value": "0" } ],
          "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "S", "type": "Elsa.Start" },
          { "id": "V1", "type": "Elsa.SetVariable", "variable": { "id": "v", "name": "Amount" }, "value": { "typeName": "Object", "expression": { "type": "Literal", "value": "1200" } } },
          { "id": "N1", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "received" } } },
          { "id": "C1", "type": "Elsa.Correlate", "correlationId": { "typeName": "String", "expression": { "type": "Literal", "value": "REQ" } } },
          { "id": "V2", "type": "Elsa.SetVariable", "variable": { "id": "v", "name": "Amount" }, "value": { "typeName": "Object", "expression": { "type": "JavaScript", "value": "getAmount() + 300" } } },
          { "id": "D", "type": "Elsa.FlowDecision", "condition": { "typeName": "Boolean", "expression": { "type": "JavaScript", "value": "getAmount() > 1000" } } },
          { "id": "N2", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "needs approval" } } },
          { "id": "N3", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "routed" } } },
          { "id": "N4", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "auto-approved" } } },
          { "id": "E", "type": "Elsa.End" } ],
          "connections": [
            { "source": { "activity": "S", "port": "Done" }, "target": { "activity": "V1", "port": "In" } },
            { "source": { "activity": "V1", "port": "Done" }, "target": { "activity": "N1", "port": "In" } },
            { "source": { "activity": "N1", "port": "Done" }, "target": { "activity": "C1", "port": "In" } },
            { "source": { "activity": "C1", "port": "Done" }, "target": { "activity": "V2", "port": "In" } },
            { "source": { "activity": "V2", "port": "Done" }, "target": { "activity": "D", "port": "In" } },
            { "source": { "activity": "D", "port": "True" }, "target": { "activity": "N2", "port": "In" } },
            { "source": { "activity": "N2", "port": "Done" }, "target": { "activity": "N3", "port": "In" } },
            { "source": { "activity": "N3", "port": "Done" }, "target": { "activity": "E", "port": "In" } },
            { "source": { "activity": "D", "port": "False" }, "target": { "activity": "N4", "port": "In" } },
            { "source": { "activity": "N4", "port": "Done" }, "target": { "activity": "E", "port": "In" } } ] } }
        """;

    private const string Approval = """
        { "definitionId": "approval", "name": "approval", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "Decide", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "decided" } } },
          { "id": "Next", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "approved" } } } ],
          "connections": [ { "source": { "activity": "Decide", "port": "Done" }, "target": { "activity": "Next", "port": "In" } } ] } }
        """;

    private const string Timer = """
        { "definitionId": "timer", "name": "timer", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "Wait", "type": "Elsa.Delay", "timeSpan": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "00:00:05" } } },
          { "id": "After", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "fired" } } } ],
          "connections": [ { "source": { "activity": "Wait", "port": "Done" }, "target": { "activity": "After", "port": "In" } } ] } }
        """;

    /// <summary>How long each round of workflows and of pgbench runs: the same length on both sides.</summary>
    private static readonly TimeSpan RoundLength = TimeSpan.FromSeconds(3);

    public static async Task RunAsync(string admin, WebApplicationFactory<Program> factory, string connectionString, Func<WebApplicationFactory<Program>> secondNode)
    {
        var client = factory.CreateClient();
        (await client.PostAsJsonAsync("/account/demo-sign-in", new { userName = "dave" })).EnsureSuccessStatusCode();
        foreach (var json in new[] { TenActivities, Approval, Timer })
        {
            (await client.PostAsync("/api/definitions/import?publish=true", new StringContent(json, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        }

        if (await ProfilerLoopsAsync(client, factory, connectionString)) return;

        // 1. Completed 10-activity automatic workflows per second, and commits per workflow.
        const int workflows = 2000;
        // Every measured path warms up until the JIT is quiet (see JitWarmUp): automatic workflows, API starts and
        // resumes, in-process event resumes, the single-write baseline.
        // The minutely sweeps run too: their first run compiles about 2,000 methods, which would otherwise fall in a round.
        var sweeps = new Hangfire.RecurringJobManager(factory.Services.GetRequiredService<Hangfire.JobStorage>());
        await JitWarmUp.UntilQuietAsync("runtime", async () =>
        {
            sweeps.Trigger(ItsmWorkflows.Server.Runtime.TimerSweepJob.RecurringId);
            sweeps.Trigger(ItsmWorkflows.Server.Mail.OutboxDeliveryJob.RecurringId);
            for (var i = 0; i < 200; i++) await StartInProcessAsync(factory, "ten");
            for (var i = 0; i < 100; i++)
            {
                var started = JsonNode.Parse(await (await client.PostAsJsonAsync("/api/instances", new { definitionId = "approval" })).Content.ReadAsStringAsync())!;
                (await client.PostAsJsonAsync($"/api/instances/{started["instance"]!["id"]!.GetValue<string>()}/bookmarks/{started["bookmarks"]![0]!["id"]!.GetValue<string>()}/resume", new { payload = new { decision = "approve" } })).EnsureSuccessStatusCode();
                (await client.GetAsync("/health/live")).EnsureSuccessStatusCode();
            }
            for (var i = 0; i < 50; i++)
            {
                await StartInProcessAsync(factory, "approval");
                await using var scope = factory.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().TriggerEventAsync("decided", null);
            }
            await SingleWriteLatenciesAsync(connectionString, 100);
        });
        // Workflows and pgbench take turns, five rounds of each, so that both see the same moment's disk and CPU: on this
        // machine pgbench alone moved by half from one minute to the next. The ratio is the median of the rounds'.
        const int rounds = 5;
        var rates = new List<double>();
        var pgbenchRates = new List<double>();
        var commitCount = 0L;
        var workflowCount = 0;
        var cpu = TimeSpan.Zero;
        for (var round = 0; round < rounds; round++)
        {
            // Turn about (ABBA…): what one leaves behind (dirty pages, autovacuum) falls on each side alike.
            if (round % 2 == 1) pgbenchRates.Add(await Pgbench.BurstWritesAsync(connectionString, 1, (int)RoundLength.TotalSeconds));
            var commitsBefore = await CommitsAsync(connectionString);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var completed = 0;
            while (sw.Elapsed < RoundLength)
            {
                await StartInProcessAsync(factory, "ten");
                completed++;
            }
            rates.Add(completed / sw.Elapsed.TotalSeconds);
            workflowCount += completed;
            cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            commitCount += await CommitsAsync(connectionString) - commitsBefore - 1;
            if (round % 2 == 0) pgbenchRates.Add(await Pgbench.BurstWritesAsync(connectionString, 1, (int)RoundLength.TotalSeconds));
        }
        var ratios = rates.Zip(pgbenchRates, (w, b) => w / b).ToList();
        Console.WriteLine($"server CPU per completed workflow: {cpu.TotalMilliseconds / workflowCount:0.00} ms (wall {1000 / Median(rates):0.00} ms)");
        Console.WriteLine($"completed 10-activity workflows: {Median(rates),8:N0} /s   pgbench, same writes (prepared): {Median(pgbenchRates),8:N0} tx/s   ratio {Median(ratios):0.00} (goal >= 0.7; rounds {string.Join(" / ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))})   writing commits per workflow {commitCount / (double)workflowCount:0.00} (goal 1)");

        // 2. API-resumed approval → next activity committed, against a single durable write.
        var resumes = new List<(string Instance, string Bookmark)>();
        for (var i = 0; i < 520; i++)
        {
            var started = JsonNode.Parse(await (await client.PostAsJsonAsync("/api/instances", new { definitionId = "approval" })).Content.ReadAsStringAsync())!;
            resumes.Add((started["instance"]!["id"]!.GetValue<string>(), started["bookmarks"]![0]!["id"]!.GetValue<string>()));
        }
        // Each resume is followed by one single write, so that both are timed under the same conditions (the same
        // moment's disk, checkpoint and CPU load): a baseline measured before or after the resumes moved by 2× on
        // this machine from one minute to the next.
        var resumeLatencies = new List<double>();
        var writeLatencies = new List<double>();
        await using (var writer = await SingleWriter.OpenAsync(connectionString))
        {
            foreach (var (instance, bookmark) in resumes)
            {
                // Turn about: a write before the resume, then one after, and so on.
                if (resumeLatencies.Count % 2 == 1) writeLatencies.Add(await writer.WriteAsync());
                var t = Stopwatch.StartNew();
                (await client.PostAsJsonAsync($"/api/instances/{instance}/bookmarks/{bookmark}/resume", new { payload = new { decision = "approve" } })).EnsureSuccessStatusCode();
                resumeLatencies.Add(t.Elapsed.TotalMilliseconds);
                if (resumeLatencies.Count % 2 == 1) writeLatencies.Add(await writer.WriteAsync());
            }
        }
        // Where a resume's time goes: the HTTP pipeline alone, and the same resume without HTTP.
        var floor = new List<double>();
        for (var i = 0; i < 520; i++)
        {
            var t = Stopwatch.StartNew();
            (await client.GetAsync("/health/live")).EnsureSuccessStatusCode();
            floor.Add(t.Elapsed.TotalMilliseconds);
        }
        var inProcess = new List<double>();
        for (var i = 0; i < 520; i++)
        {
            var id = await StartInProcessAsync(factory, "approval");
            await using var scope = factory.Services.CreateAsyncScope();
            var runtime = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>();
            var t = Stopwatch.StartNew();
            await runtime.TriggerEventAsync("decided", null);
            inProcess.Add(t.Elapsed.TotalMilliseconds);
        }
        var (r50, r99) = Percentiles(resumeLatencies.Skip(20).ToList());
        var (w50, w99) = Percentiles(writeLatencies.Skip(20).ToList());
        Console.WriteLine($"API resume → next activity committed: p50 {r50:0.00} ms, p99 {r99:0.00} ms   single durable write, taking turns with the resumes: p50 {w50:0.00} ms, p99 {w99:0.00} ms   ratios p50 {r50 / w50:0.0}× (goal <= 2), p99 {r99 / w99:0.0}× (goal <= 5)");
        var (f50, _) = Percentiles(floor.Skip(20).ToList());
        var (i50, _) = Percentiles(inProcess.Skip(20).ToList());
        var (floor50, insert50) = await Pgbench.ResumeWritesAsync(connectionString, rounds: 3, seconds: 3);
        Console.WriteLine($"  the database's share alone: pgbench doing the resume's writes in one statement {floor50:0.00} ms, one insert {insert50:0.00} ms (averages, taking turns): {floor50 / insert50:0.0}× before any server, driver or HTTP cost");
        Console.WriteLine($"  of which: HTTP pipeline alone (GET /health/live) p50 {f50:0.00} ms; event resume in process, no HTTP, p50 {i50:0.00} ms");
        await LongHistoryAsync(client, connectionString);

        // 3. Two nodes against one: the same number of workflows, eight at a time, through one node or alternating over two.
        await using (var nodeB = secondNode())
        {
            _ = nodeB.Server;
            var before = await CountAsync(connectionString, "ten");
            for (var i = 0; i < 50; i++) await StartInProcessAsync(nodeB, "ten");
            // One node, two nodes and pgbench take turns, three rounds of each (see above); the ratios are the rounds' medians.
            var one = new List<double>();
            var two = new List<double>();
            var pgbench8 = new List<double>();
            for (var round = 0; round < 3; round++)
            {
                one.Add(await ConcurrentRateAsync([factory], workflows / 2));
                two.Add(await ConcurrentRateAsync([factory, nodeB], workflows / 2));
                pgbench8.Add(await Pgbench.BurstWritesAsync(connectionString, 8, 3));
            }
            Console.WriteLine($"8 concurrent clients: completed 10-activity workflows {Median(one),8:N0} /s   pgbench, same writes (prepared), 8 clients: {Median(pgbench8),8:N0} tx/s   ratio {Median(one.Zip(pgbench8, (w, b) => w / b).ToList()):0.00} (goal >= 0.7)");
            var stored = await CountAsync(connectionString, "ten") - before;
            var expected = 50 + 3 * 2 * (workflows / 2);
            var verdict = stored == expected ? "no duplicates, none lost" : "MISMATCH: duplicates or losses";
            Console.WriteLine($"8 concurrent clients: one node {Median(one),8:N0} workflows/s   two nodes {Median(two),8:N0} workflows/s   ratio {Median(two.Zip(one, (b, a) => b / a).ToList()):0.00} (goal >= 0.9; rounds {string.Join(" / ", two.Zip(one, (b, a) => (b / a).ToString("0.00", CultureInfo.InvariantCulture)))})   instances stored {stored:N0} of {expected:N0} started ({verdict})");
        }

        // 4. Timer lateness over 1,000 real timers fired by Hangfire jobs (the sweep is a backstop only).
        const int timers = 1000;
        var ids = new List<string>(timers);
        for (var i = 0; i < timers; i++) ids.Add(await StartInProcessAsync(factory, "timer"));
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline && await CountFinishedTimersAsync(connectionString) < timers) await Task.Delay(250);
        var lateness = await TimerLatenessAsync(connectionString);
        var early = lateness.Count(l => l < 0);
        var (l50, l99) = Percentiles(lateness);
        Console.WriteLine($"timer lateness over {lateness.Count} timers: early {early} (goal 0), p50 {l50:0} ms, p99 {l99:0} ms (goal <= 1000), max {lateness.DefaultIfEmpty().Max():0} ms");
    }

    private static async Task<double> ConcurrentRateAsync(IReadOnlyList<WebApplicationFactory<Program>> nodes, int workflows)
    {
        var next = -1;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < workflows) await StartInProcessAsync(nodes[i % nodes.Count], "ten");
        }));
        return workflows / sw.Elapsed.TotalSeconds;
    }

    private static async Task<long> CountAsync(string connectionString, string definitionId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM workflow_instances WHERE definition_id = @d", connection);
        command.Parameters.AddWithValue("d", definitionId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<string> StartInProcessAsync(WebApplicationFactory<Program> factory, string definitionId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Instances.InstanceService>();
        var started = await service.StartAsync(new ItsmWorkflows.Server.Instances.StartInstanceRequest(definitionId, null, null), "bench", CancellationToken.None);
        return started.Instance.Id;
    }

    /// <summary>
    /// Writing transactions so far: each one that writes takes a transaction id, read-only ones do not.
    /// (This call takes one too, which the caller subtracts.) Cluster-wide, so Hangfire's own writes count.
    /// </summary>
    private static async Task<long> CommitsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT txid_current()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<double>> SingleWriteLatenciesAsync(string connectionString, int count)
    {
        await using var writer = await SingleWriter.OpenAsync(connectionString);
        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++) latencies.Add(await writer.WriteAsync());
        return latencies;
    }

    private static async Task<long> CountFinishedTimersAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM workflow_instances WHERE definition_id = 'timer' AND status = 'Finished'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Due time = the Delay's Suspended entry + 5 s; fired = its Completed entry (the burst's clock).</summary>
    private static async Task<List<double>> TimerLatenessAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT EXTRACT(EPOCH FROM (c.at - (s.at + interval '5 seconds'))) * 1000
            FROM journal_entries s JOIN journal_entries c ON c.instance_id = s.instance_id
            JOIN workflow_instances i ON i.id = s.instance_id
            WHERE i.definition_id = 'timer' AND s.activity_id = 'Wait' AND s.event = 'Suspended' AND s.sequence = (SELECT min(sequence) FROM journal_entries x WHERE x.instance_id = s.instance_id AND x.activity_id = 'Wait' AND x.event = 'Suspended')
              AND c.activity_id = 'Wait' AND c.event = 'Completed'
            """, connection);
        var result = new List<double>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result.Add(Convert.ToDouble(reader.GetValue(0), CultureInfo.InvariantCulture));
        return result;
    }

    private static double Median(List<double> values) => ApiBenchmark.Median(values);

    private static (double P50, double P99) Percentiles(List<double> values)
    {
        if (values.Count == 0) return (double.NaN, double.NaN);
        var sorted = values.Order().ToList();
        return (sorted[(int)(sorted.Count * 0.50)], sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * 0.99))]);
    }
}
