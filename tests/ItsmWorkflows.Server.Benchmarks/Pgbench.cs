using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace ItsmWorkflows.Server.Benchmarks;

/// <summary>PostgreSQL's own client doing the writes the server does, on the same database: the baselines of the runtime figures.</summary>
internal static class Pgbench
{
    /// <summary>Runs a pgbench script (prepared statements) and returns its transactions per second and average latency in ms.</summary>
    public static async Task<(double Tps, double LatencyMs)> RunAsync(string connectionString, string scriptText, int clients, int seconds)
    {
        var script = Path.Combine(Path.GetTempPath(), $"itsm-pgbench-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(script, scriptText);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            var info = new ProcessStartInfo("pgbench", $"-n -M prepared -c {clients} -j {Math.Min(clients, 2)} -T {seconds} -f {script} -h {builder.Host} -p {builder.Port} -U {builder.Username} {builder.Database}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.Environment["PGPASSWORD"] = builder.Password;
            using var process = Process.Start(info)!;
            // Both streams at once: a full stderr pipe would otherwise stall pgbench while stdout is read.
            var reading = process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            var output = await reading;
            await process.WaitForExitAsync();
            // A client that aborted (a failed statement) still prints a rate for what it did: not a baseline.
            if (process.ExitCode != 0) throw new InvalidOperationException($"pgbench failed (exit code {process.ExitCode}): {errors}{output}");
            double Figure(string prefix, int word)
            {
                var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
                    ?? throw new InvalidOperationException($"pgbench printed no '{prefix}': {output}{errors}");
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[word], CultureInfo.InvariantCulture);
            }
            return (Figure("tps = ", 2), Figure("latency average = ", 3));
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>What a burst of a 10-activity workflow writes: lock the instance row, update its state, insert the journal.</summary>
    public static async Task<double> BurstWritesAsync(string connectionString, int clients, int seconds)
    {
        await ApiBenchmark.Sql(connectionString, """
            CREATE TABLE IF NOT EXISTS pgb_instances (id int PRIMARY KEY, state jsonb, revision bigint);
            CREATE TABLE IF NOT EXISTS pgb_journal (id bigserial PRIMARY KEY, instance_id int, sequence int, at timestamptz, activity_id text, event text);
            INSERT INTO pgb_instances SELECT g, (SELECT state FROM workflow_instances LIMIT 1), 1 FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING;
            """);
        var (tps, _) = await RunAsync(connectionString, """
            \set id random(1, 1000)
            BEGIN;
            SELECT revision FROM pgb_instances WHERE id = :id FOR UPDATE;
            UPDATE pgb_instances SET state = state, revision = revision + 1 WHERE id = :id;
            INSERT INTO pgb_journal (instance_id, sequence, at, activity_id, event) SELECT :id, g, now(), 'A' || g, 'Completed' FROM generate_series(1, 22) g;
            COMMIT;
            """, clients, seconds);
        return tps;
    }

    /// <summary>
    /// The database's share of an API resume, without the server: what the server's one statement writes for an
    /// approval that moves to its next activity and finishes (the instance row with its indexes, its status changed;
    /// one bookmark deleted; five journal rows), into copies of the real tables, against one small insert; the two
    /// take turns. pgbench reports averages, not medians: the figures are average latencies in ms, each the median
    /// over the rounds, so they compare with each other, not with the server's p50.
    /// </summary>
    public static async Task<(double ResumeWrites, double Insert)> ResumeWritesAsync(string connectionString, int rounds, int seconds)
    {
        await ApiBenchmark.Sql(connectionString, """
            DROP TABLE IF EXISTS pgb_resume_instances, pgb_resume_journal, pgb_resume_bookmarks;
            DROP SEQUENCE IF EXISTS pgb_resume_consumed;
            CREATE TABLE pgb_resume_instances (LIKE workflow_instances INCLUDING ALL);
            -- The approvals' own rows, renamed i1, i2, … so that the script names one as the server does, by its id.
            INSERT INTO pgb_resume_instances SELECT * FROM workflow_instances WHERE definition_id = 'approval';
            UPDATE pgb_resume_instances r SET id = 'i' || n.n FROM (SELECT id, row_number() OVER () AS n FROM pgb_resume_instances) n WHERE r.id = n.id;
            CREATE TABLE pgb_resume_journal (LIKE journal_entries INCLUDING ALL);
            CREATE SEQUENCE pgb_resume_consumed;
            CREATE TABLE pgb_resume_bookmarks (LIKE bookmarks INCLUDING ALL);
            INSERT INTO pgb_resume_bookmarks (id, instance_id, activity_id, activity_type, stimulus_hash, created_at)
            SELECT 'b' || g, 'i' || g, 'Decide', 'Elsa.Event', md5(g::text), now() FROM generate_series(1, 300000) g;
            CREATE TABLE IF NOT EXISTS single_writes (id text PRIMARY KEY, at timestamptz);
            """);
        await ApiBenchmark.Sql(connectionString, "VACUUM ANALYZE pgb_resume_instances, pgb_resume_journal, pgb_resume_bookmarks");
        var count = await ScalarAsync(connectionString, "SELECT count(*) FROM pgb_resume_instances");
        var resume = $$"""
            \set n random(1, {{count}})
            WITH upd AS (UPDATE pgb_resume_instances SET status = CASE status WHEN 'Finished' THEN 'Running' ELSE 'Finished' END, sub_status = CASE status WHEN 'Finished' THEN 'Suspended' ELSE 'Finished' END, state = state, updated_at = now(), finished_at = now(), revision = revision + 1 WHERE id = 'i' || :n RETURNING id),
              gone AS (DELETE FROM pgb_resume_bookmarks WHERE id = (SELECT 'b' || nextval('pgb_resume_consumed')) AND EXISTS (SELECT 1 FROM upd)),
              journal AS (INSERT INTO pgb_resume_journal (instance_id, sequence, at, activity_id, activity_type, event, outcomes, message, node_path) SELECT (SELECT id FROM upd), (random() * 1e15)::bigint, now(), 'Next', 'Elsa.SetName', 'Completed', '["Done"]', NULL, 'F/Next' FROM generate_series(1, 5))
            SELECT count(*) FROM upd;
            """;
        const string Insert = "INSERT INTO single_writes VALUES (md5(random()::text), now());\n";
        var resumes = new List<double>();
        var inserts = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // Turn about (ABBA…): what one leaves behind (dirty pages, autovacuum) falls on each side alike.
            if (round % 2 == 1) inserts.Add((await RunAsync(connectionString, Insert, 1, seconds)).LatencyMs);
            resumes.Add((await RunAsync(connectionString, resume, 1, seconds)).LatencyMs);
            if (round % 2 == 0) inserts.Add((await RunAsync(connectionString, Insert, 1, seconds)).LatencyMs);
        }
        return (ApiBenchmark.Median(resumes), ApiBenchmark.Median(inserts));
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
