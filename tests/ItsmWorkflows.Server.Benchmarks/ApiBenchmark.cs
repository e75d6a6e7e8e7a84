using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace ItsmWorkflows.Server.Benchmarks;

internal static class ApiBenchmark
{
    public static async Task Main(string[] args)
    {
        // API benchmark on PostgreSQL: start-instance and get-instance throughput of the real server
        // (in-process, TestServer), next to the rate of the same number of single-row inserts and reads done
        // directly with Npgsql in the same run; then list/get latency at 1,000 and at 100,000 stored instances.
        // Usage: dotnet run -c Release --project tests/ItsmWorkflows.Server.Benchmarks [-- <count>]
        // WebApplicationFactory needs the server's content root when it is not run from a test project.
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "ItsmWorkflows.sln"))) repo = repo.Parent;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ITSMWORKFLOWS_SERVER", Path.Combine(repo?.FullName ?? ".", "src", "ItsmWorkflows.Server"));
        if (args.Length > 0 && args[0] is "designer" or "designer-profile")
        {
            await DesignerBenchmark.RunAsync(repo?.FullName ?? ".", profile: args[0] == "designer-profile");
            return;
        }
        if (args.Length > 0 && args[0] == "mail")
        {
            await MailBenchmark.RunAsync(repo?.FullName ?? ".", args.Length > 1 && int.TryParse(args[1], out var n) ? n : 1000);
            return;
        }
        var runtime = args.Length > 0 && args[0] == "runtime";
        var count = !runtime && args.Length > 0 && int.TryParse(args[0], out var c) ? c : 5000;
        var admin = Environment.GetEnvironmentVariable("ITSM_TEST_POSTGRES") is { Length: > 0 } configured ? configured : "Host=localhost;Username=itsm;Password=itsm;Database=postgres";
        var database = $"itsm_bench_{Guid.NewGuid():N}";
        await Sql(admin, $"CREATE DATABASE \"{database}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
        var largeDatabase = database + "_large";
        try
        {
            await using var factory = Factory(connectionString, jobs: runtime);
            if (runtime)
            {
                await RuntimeBenchmark.RunAsync(admin, factory, connectionString, () => Factory(connectionString, jobs: true, hangfireLogs: false));
                return;
            }
            var client = factory.CreateClient();
            (await client.PostAsJsonAsync("/account/demo-sign-in", new { userName = "dave" })).EnsureSuccessStatusCode();
            const string definition = """
                { "definitionId": "bench", "name": "Bench", "root": { "type": "Elsa.Flowchart", "id": "F1", "activities": [
                  { "id": "E1", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "go" } } } ], "connections": [] } }
                """;
            (await client.PostAsync("/api/definitions", new StringContent(definition, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
            (await client.PostAsync("/api/definitions/bench/publish", null)).EnsureSuccessStatusCode();

            // Baseline table: the same number of single-row inserts and primary-key reads straight through Npgsql.
            await Sql(connectionString, "CREATE TABLE bench_rows (id text PRIMARY KEY, definition_id text, state jsonb, created_at timestamptz)");
            await using var raw = new NpgsqlConnection(connectionString);
            await raw.OpenAsync();
            (await client.PostAsJsonAsync("/api/instances", new { definitionId = "bench" })).EnsureSuccessStatusCode();
            var state = await raw.QuerySingleAsync("SELECT state::text FROM workflow_instances LIMIT 1");

            // Both sides warm up until the JIT is quiet (see JitWarmUp); rounds then alternate the server and the baseline.
            var ids = new List<string>();
            await JitWarmUp.UntilQuietAsync("API", async () =>
            {
                for (var i = 0; i < 500; i++) ids.Add(await StartAsync(client));
                foreach (var id in ids.TakeLast(200)) (await client.GetAsync($"/api/instances/{id}")).EnsureSuccessStatusCode();
                await StartInProcessAsync(factory, 200);
                await RawInsertsAsync(raw, state, 200);
            });
            if (Environment.GetEnvironmentVariable("ITSM_BENCH_START_LOOP") is { Length: > 0 } loopSeconds)
            {
                // Starts only, for a profiler to attach to (perf record -p <pid>): prints the rate every 5 s.
                Console.WriteLine($"start loop, pid {Environment.ProcessId}");
                var loop = Stopwatch.StartNew();
                var lap = Stopwatch.StartNew();
                var lapCount = 0;
                while (loop.Elapsed.TotalSeconds < int.Parse(loopSeconds, CultureInfo.InvariantCulture))
                {
                    await StartAsync(client);
                    lapCount++;
                    if (lap.Elapsed.TotalSeconds < 5) continue;
                    Console.WriteLine($"  {lapCount / lap.Elapsed.TotalSeconds:N0} starts/s");
                    lap.Restart();
                    lapCount = 0;
                }
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));

            const int rounds = 5;
            var perRound = Math.Max(100, count / rounds);
            var starts = new List<double>(); var inserts = new List<double>(); var inProcess = new List<double>();
            var gets = new List<double>(); var reads = new List<double>(); var startRatios = new List<double>(); var getRatios = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                var roundIds = new List<string>(perRound);
                var sw = Stopwatch.StartNew();
                for (var i = 0; i < perRound; i++) roundIds.Add(await StartAsync(client));
                var startRate = perRound / sw.Elapsed.TotalSeconds;
                var rawIds = await RawInsertsAsync(raw, state, perRound);
                var insertRate = perRound / rawIds.Elapsed.TotalSeconds;
                sw.Restart();
                foreach (var id in roundIds) (await client.GetAsync($"/api/instances/{id}")).EnsureSuccessStatusCode();
                var getRate = perRound / sw.Elapsed.TotalSeconds;
                sw.Restart();
                foreach (var id in rawIds.Ids)
                {
                    await using var select = new NpgsqlCommand("SELECT state FROM bench_rows WHERE id = @id", raw);
                    select.Parameters.AddWithValue("id", id);
                    await select.ExecuteScalarAsync();
                }
                var readRate = perRound / sw.Elapsed.TotalSeconds;
                var serviceRate = perRound / (await StartInProcessAsync(factory, perRound)).TotalSeconds;
                var batchRate = perRound / (await StartBatchesAsync(connectionString, roundIds[0], perRound)).TotalSeconds;
                starts.Add(startRate); inserts.Add(insertRate); inProcess.Add(serviceRate); gets.Add(getRate); reads.Add(readRate);
                startRatios.Add(startRate / insertRate); getRatios.Add(getRate / readRate);
                ids.AddRange(roundIds);
                Console.WriteLine($"round {round + 1}: start {startRate,6:N0} /s  raw insert {insertRate,6:N0} /s  ratio {startRate / insertRate:0.00}   get {getRate,6:N0} /s  raw read {readRate,6:N0} /s  ratio {getRate / readRate:0.00}   in-process start {serviceRate,6:N0} /s  its statements alone {batchRate,6:N0} /s");
            }

            Console.WriteLine($"instances started through the API:  {Median(starts),10:N0} /s   raw Npgsql inserts: {Median(inserts),10:N0} /s   ratio {Median(startRatios):0.00} (median of {rounds} rounds of {perRound}; range {startRatios.Min():0.00}-{startRatios.Max():0.00}; goal >= 0.5)");
            Console.WriteLine($"instances started in-process:       {Median(inProcess),10:N0} /s   (no HTTP, cookie or response JSON)");
            Console.WriteLine($"instances read through the API:     {Median(gets),10:N0} /s   raw Npgsql reads:   {Median(reads),10:N0} /s   ratio {Median(getRatios):0.00}");

            // List and get latency with 1,000 and with 100,000 stored instances, each in its own database and server.
            // This database is emptied first so "at 1,000" is 1,000 rows, not whatever the rounds above left behind.
            var template = await raw.QuerySingleAsync($"SELECT state::text FROM workflow_instances WHERE id = '{ids[0]}'");
            await Sql(connectionString, "TRUNCATE workflow_instances, journal_entries, bookmarks, timers, incidents");
            await Sql(admin, $"CREATE DATABASE \"{largeDatabase}\"");
            var largeConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = largeDatabase }.ConnectionString;
            await using var largeFactory = Factory(largeConnectionString, jobs: false);
            var largeClient = largeFactory.CreateClient();
            (await largeClient.PostAsJsonAsync("/account/demo-sign-in", new { userName = "dave" })).EnsureSuccessStatusCode();
            await using var largeRaw = new NpgsqlConnection(largeConnectionString);
            await largeRaw.OpenAsync();
            await ScaleBenchmark.RunAsync(new(client, raw, 1_000), new(largeClient, largeRaw, 100_000), template);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (Environment.GetEnvironmentVariable("ITSM_BENCH_KEEP_DATABASE") == "1") Console.WriteLine($"kept databases {database} and {largeDatabase} (if the API run got that far)");
            else
            {
                await Sql(admin, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
                await Sql(admin, $"DROP DATABASE IF EXISTS \"{largeDatabase}\" WITH (FORCE)");
            }
        }
    }

    /// <summary>The server on PostgreSQL, in process, with demo sign-in and no shipped workflows.</summary>
    private static WebApplicationFactory<Program> Factory(string connectionString, bool jobs, bool hangfireLogs = true) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Benchmark");
            b.UseSetting("ConnectionStrings:Postgres", connectionString);
            b.UseSetting("Demo:Enabled", "true");
            b.UseSetting("Workflows:Path", NoWorkflowsFolder.Path);
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("Jobs:RunServer", jobs ? "true" : "false");
            if (!hangfireLogs) b.UseSetting("Jobs:HangfireLogs", "none");
        });

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    // The same start without HTTP, cookies and JSON: what the service and the database cost on their own.
    private static async Task<TimeSpan> StartInProcessAsync(WebApplicationFactory<Program> factory, int count)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Instances.InstanceService>();
            await service.StartAsync(new ItsmWorkflows.Server.Instances.StartInstanceRequest("bench", null, null), "bench", CancellationToken.None);
        }
        return sw.Elapsed;
    }

    // The statements a start sends (the same batch, built by the server's writer), sent directly: the database's share of a start.
    private static async Task<TimeSpan> StartBatchesAsync(string connectionString, string sampleId, int count)
    {
        await using var connection = new NpgsqlConnection(ItsmWorkflows.Server.Data.DatabaseSetup.Tune(connectionString));
        await connection.OpenAsync();
        var json = await connection.QuerySingleAsync($"SELECT state::text FROM workflow_instances WHERE id = '{sampleId}'");
        var bookmarkIds = ItsmWorkflows.Engine.Execution.WorkflowStateJson.Deserialize(json).Bookmarks.Select(b => b.Id).ToList();
        var states = Enumerable.Range(0, count).Select(_ => ItsmWorkflows.Engine.Execution.WorkflowStateJson.Deserialize(
            bookmarkIds.Aggregate(json.Replace(sampleId, Guid.CreateVersion7().ToString("N")), (text, id) => text.Replace(id, Guid.CreateVersion7().ToString("N"))))).ToList();
        foreach (var s in states) s.VersionMustBePublished = true;
        var texts = states.Select(ItsmWorkflows.Engine.Execution.WorkflowStateJson.Serialize).ToList();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) await ItsmWorkflows.Server.Runtime.PostgresInstanceWriter.InsertAsync(connection, states[i], texts[i], CancellationToken.None);
        return sw.Elapsed;
    }

    private static async Task<(List<string> Ids, TimeSpan Elapsed)> RawInsertsAsync(NpgsqlConnection raw, string state, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7().ToString("N")).ToList();
        var sw = Stopwatch.StartNew();
        foreach (var id in ids)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO bench_rows (id, definition_id, state, created_at) VALUES (@id, 'bench', @state::jsonb, now())", raw);
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("state", state);
            await insert.ExecuteNonQueryAsync();
        }
        return (ids, sw.Elapsed);
    }

    private static async Task<string> StartAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/api/instances", new { definitionId = "bench" });
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["instance"]!["id"]!.GetValue<string>();
    }

    internal static async Task Sql(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

internal static class NpgsqlExtensions
{
    public static async Task<string> QuerySingleAsync(this NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
