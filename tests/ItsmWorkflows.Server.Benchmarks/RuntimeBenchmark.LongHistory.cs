using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace ItsmWorkflows.Server.Benchmarks;

internal static partial class RuntimeBenchmark
{
    /// <summary>
    /// A resume of an instance with a long history costs what a resume of a fresh one costs: the journal is appended to
    /// its table, not rewritten with the state on every step. Instances of a 120-step chain are resumed 110 times each:
    /// the first 10 resumes against the last 10.
    /// </summary>
    private static async Task LongHistoryAsync(HttpClient client, string connectionString)
    {
        const int steps = 120, instances = 20, before = 100, measured = 10;
        var activities = string.Join(", ", Enumerable.Range(1, steps).Select(i =>
            $$"""{ "id": "S{{i}}", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "step" } } }"""));
        var connections = string.Join(", ", Enumerable.Range(1, steps - 1).Select(i =>
            $$"""{ "source": { "activity": "S{{i}}", "port": "Done" }, "target": { "activity": "S{{i + 1}}", "port": "In" } }"""));
        var definition = $$"""{ "definitionId": "history", "name": "history", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [ {{activities}} ], "connections": [ {{connections}} ] } }""";
        (await client.PostAsync("/api/definitions/import?publish=true", new StringContent(definition, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var waiting = new List<(string Instance, string Bookmark)>();
        for (var i = 0; i < instances; i++)
        {
            var started = JsonNode.Parse(await (await client.PostAsJsonAsync("/api/instances", new { definitionId = "history" })).Content.ReadAsStringAsync())!;
            waiting.Add((started["instance"]!["id"]!.GetValue<string>(), started["bookmarks"]![0]!["id"]!.GetValue<string>()));
        }
        var (updatesBefore, inPlaceBefore) = await InstanceUpdatesAsync(connectionString);
        var early = new List<double>();
        var late = new List<double>();
        var journal = 0;
        for (var step = 0; step < before + measured; step++)
        {
            for (var i = 0; i < waiting.Count; i++)
            {
                var t = Stopwatch.StartNew();
                var response = await client.PostAsJsonAsync($"/api/instances/{waiting[i].Instance}/bookmarks/{waiting[i].Bookmark}/resume", new { });
                response.EnsureSuccessStatusCode();
                if (step < measured) early.Add(t.Elapsed.TotalMilliseconds);
                if (step >= before) late.Add(t.Elapsed.TotalMilliseconds);
                var detail = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                waiting[i] = (waiting[i].Instance, detail["bookmarks"]![0]!["id"]!.GetValue<string>());
                if (step == before + measured - 1 && i == 0) journal = (int)detail["journal"]!.AsArray()[^1]!["sequence"]!.GetValue<long>();
            }
        }
        var (earlyP50, _) = Percentiles(early);
        var (lateP50, _) = Percentiles(late);
        Console.WriteLine($"API resume of a 120-step chain, {before} steps in (journal ~{journal:N0} entries): p50 {lateP50:0.00} ms   in its first {measured} steps: p50 {earlyP50:0.00} ms   ratio {lateP50 / earlyP50:0.00}");
        // Every one of these steps keeps the status (waiting, then waiting on the next): PostgreSQL can rewrite the row
        // in place, without new index entries, when its page has room (the table's fillfactor). Its statistics lag by
        // up to a second, the same for both counters.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var (updatesAfter, inPlaceAfter) = await InstanceUpdatesAsync(connectionString);
        var updates = updatesAfter - updatesBefore;
        Console.WriteLine($"  instance row updates written in place (HOT) during the chain: {inPlaceAfter - inPlaceBefore:N0} of {updates:N0} ({(updates == 0 ? 0 : 100.0 * (inPlaceAfter - inPlaceBefore) / updates):0} %)");
    }

    private static async Task<(long Updates, long InPlace)> InstanceUpdatesAsync(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'workflow_instances'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
