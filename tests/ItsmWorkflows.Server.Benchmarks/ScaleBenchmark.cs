using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace ItsmWorkflows.Server.Benchmarks;

/// <summary>
/// List and get latency at 1,000 and at 100,000 stored instances. Each size lives in its own database behind its own
/// server, both loaded, vacuumed and checkpointed before anything is timed; then passes alternate between the two, so
/// both sizes are measured under the same conditions of the machine (measured one after the other, the larger table
/// was timed while the database was still writing back its bulk load, and drift between the two halves showed up as
/// a ratio).
/// </summary>
internal static class ScaleBenchmark
{
    private const int Passes = 5;
    private const int ListRequests = 200;
    private const int Gets = 500;

    public sealed record Side(HttpClient Client, NpgsqlConnection Raw, int Rows);

    public static async Task RunAsync(Side small, Side large, string template)
    {
        foreach (var side in new[] { small, large }) await FillAsync(side.Raw, side.Rows, template);
        var samples = new Dictionary<Side, List<string>>();
        foreach (var side in new[] { small, large })
        {
            samples[side] = await SampleAsync(side.Raw);
            // Each sampled row read once and the list asked a few times first, at both sizes: the figure is how reads
            // scale with the table (its indexes), not how cold the caches happen to be.
            for (var i = 0; i < 20; i++) (await side.Client.GetAsync("/api/instances?pageSize=50&status=Suspended")).EnsureSuccessStatusCode();
            foreach (var id in samples[side]) (await side.Client.GetAsync($"/api/instances/{id}")).EnsureSuccessStatusCode();
        }
        var lists = new Dictionary<Side, List<double>> { [small] = [], [large] = [] };
        var gets = new Dictionary<Side, List<double>> { [small] = [], [large] = [] };
        for (var pass = 0; pass < Passes; pass++)
        {
            foreach (var side in pass % 2 == 0 ? new[] { small, large } : new[] { large, small })
            {
                var (list, get) = await MeasureAsync(side.Client, samples[side]);
                lists[side].Add(list);
                gets[side].Add(get);
            }
        }
        Print("list (page of 50)", lists[small], lists[large]);
        Print("get by id        ", gets[small], gets[large]);
    }

    private static void Print(string what, List<double> small, List<double> large)
    {
        var ratios = small.Zip(large, (s, l) => l / s).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what} at   1,000: {ApiBenchmark.Median(small),7:0.00} ms   at 100,000: {ApiBenchmark.Median(large),7:0.00} ms   ratio {ApiBenchmark.Median(large) / ApiBenchmark.Median(small):0.00} (goal <= 1.2; medians of {Passes} alternating passes, per-pass ratios {ratios.Min():0.00}-{ratios.Max():0.00})"));
    }

    private static async Task<(double List, double Get)> MeasureAsync(HttpClient client, List<string> sample)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < ListRequests; i++) (await client.GetAsync("/api/instances?pageSize=50&status=Suspended")).EnsureSuccessStatusCode();
        var list = sw.Elapsed.TotalMilliseconds / ListRequests;
        sw.Restart();
        foreach (var id in sample) (await client.GetAsync($"/api/instances/{id}")).EnsureSuccessStatusCode();
        return (list, sw.Elapsed.TotalMilliseconds / sample.Count);
    }

    private static async Task<List<string>> SampleAsync(NpgsqlConnection raw)
    {
        // Get reads ids spread over the whole table, not one hot row.
        var sample = new List<string>(Gets);
        await using var pick = new NpgsqlCommand($"SELECT id FROM workflow_instances ORDER BY random() LIMIT {Gets}", raw);
        await using var reader = await pick.ExecuteReaderAsync();
        while (await reader.ReadAsync()) sample.Add(reader.GetString(0));
        return sample;
    }

    private static async Task FillAsync(NpgsqlConnection raw, int target, string template)
    {
        var existing = Convert.ToInt32(await new NpgsqlCommand("SELECT count(*) FROM workflow_instances", raw).ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        // Bulk-load filler rows with COPY: the point is the size of the table, not how it got there.
        await using (var importer = await raw.BeginBinaryImportAsync(
            "COPY workflow_instances (id, definition_id, definition_version_id, version, status, sub_status, correlation_id, name, state, open_incidents, created_at, updated_at, revision) FROM STDIN (FORMAT BINARY)"))
        {
            var now = DateTimeOffset.UtcNow.AddDays(-1);
            for (var i = existing; i < target; i++)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(Guid.NewGuid().ToString("N"), NpgsqlDbType.Text);
                await importer.WriteAsync("filler", NpgsqlDbType.Text);
                await importer.WriteAsync("filler-v1", NpgsqlDbType.Text);
                await importer.WriteAsync(1, NpgsqlDbType.Integer);
                await importer.WriteAsync("Running", NpgsqlDbType.Text);
                await importer.WriteAsync("Suspended", NpgsqlDbType.Text);
                await importer.WriteAsync($"C{i}", NpgsqlDbType.Text);
                await importer.WriteAsync("Filler", NpgsqlDbType.Text);
                await importer.WriteAsync(template, NpgsqlDbType.Jsonb);
                await importer.WriteAsync(0, NpgsqlDbType.Integer);
                await importer.WriteAsync(now.AddSeconds(i).UtcDateTime, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(now.AddSeconds(i).UtcDateTime, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(1L, NpgsqlDbType.Bigint);
            }
            await importer.CompleteAsync();
        }
        // Vacuumed and checkpointed now, as a table that has been around is: otherwise autovacuum wakes up for the
        // freshly loaded rows, first reads set their hint bits, and the checkpointer writes the load back while the
        // table is being measured. CHECKPOINT needs a superuser (or pg_checkpoint); without one the write-back is
        // left to run its course, and the figure says so.
        await new NpgsqlCommand("VACUUM (FREEZE, ANALYZE) workflow_instances", raw).ExecuteNonQueryAsync();
        try
        {
            await new NpgsqlCommand("CHECKPOINT", raw).ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            Console.WriteLine("  (no CHECKPOINT: the benchmark's database user may not; the bulk load may still be written back while measuring)");
        }
    }
}
