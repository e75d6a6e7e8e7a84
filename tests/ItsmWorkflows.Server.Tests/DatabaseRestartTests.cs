using System.Diagnostics;
using Npgsql;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DatabaseRestartGroup
{
    /// <summary>Restarting PostgreSQL breaks every other test's connections, so this collection runs alone.</summary>
    public const string Name = "PostgreSQL restart";
}

/// <summary>PostgreSQL restarted under load: the server recovers by itself and every instance finishes once.</summary>
[Collection(DatabaseRestartGroup.Name)]
public sealed class DatabaseRestartTests : IAsyncLifetime
{
    private const int Instances = 60;
    private readonly string _database = $"itsm_restart_{Guid.NewGuid():N}";
    private string _connectionString = "";

    public async ValueTask InitializeAsync()
    {
        await using var admin = new NpgsqlConnection(PostgresServerFixture.AdminConnectionString);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", admin);
        await create.ExecuteNonQueryAsync();
        _connectionString = new NpgsqlConnectionStringBuilder(PostgresServerFixture.AdminConnectionString) { Database = _database }.ConnectionString;
    }

    private const string Definition = """
        { "definitionId": "restart", "name": "restart", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "Wait", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "go" } } },
          { "id": "Done", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "done" } } } ],
          "connections": [ { "source": { "activity": "Wait", "port": "Done" }, "target": { "activity": "Done", "port": "In" } } ] } }
        """;

    [Fact]
    public async Task PostgresRestartedUnderLoad_ServerRecoversByItself()
    {
        var cluster = RunAndRead("pg_lsclusters", "--no-header").Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(cluster is { Length: >= 2 }, "This test restarts the local PostgreSQL cluster with pg_ctlcluster (Debian's postgresql package, as root).");

        await using var node = new ServerProcess(_connectionString);
        await node.StartAsync(Ct);
        var client = await node.SignedInClientAsync("dave", Ct);
        await OkAsync(await client.PostAsync("/api/definitions/import?publish=true", Body(Definition), Ct));
        for (var i = 0; i < Instances; i++) await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = "restart", correlationId = $"X{i}" }));

        // Deliver events, and read, while the database restarts underneath; some fail, none may apply twice, and a
        // failure is the database's absence said as such (503 with Retry-After), never an unexplained 500.
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        async Task Note(Task<HttpResponseMessage> call)
        {
            try
            {
                var answer = await call;
                if (!answer.IsSuccessStatusCode && (answer.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || answer.Headers.RetryAfter is null))
                {
                    failures.Add($"{(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(Ct)}");
                }
            }
            catch (HttpRequestException) { }
        }
        var load = Task.Run(async () =>
        {
            for (var i = 0; i < Instances; i++)
            {
                await Note(client.PostJsonAsync("/api/instances/events", new { name = "go", correlationId = $"X{i}" }));
                await Note(client.GetAsync($"/api/instances?definitionId=restart&correlationId=X{i}", Ct));
            }
        }, Ct);
        RunAndRead("pg_ctlcluster", $"{cluster![0]} {cluster[1]} restart");
        await load;
        Assert.True(failures.IsEmpty, string.Join("\n", failures));

        // Recovered by itself: the same process answers again and finishes the rest when the events are sent again.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await client.GetAsync("/health/ready", Ct)).IsSuccessStatusCode) break;
            }
            catch (HttpRequestException) { }
            await Task.Delay(250, Ct);
        }
        for (var i = 0; i < Instances; i++) await OkAsync(await client.PostJsonAsync("/api/instances/events", new { name = "go", correlationId = $"X{i}" }));
        var finished = (await OkAsync(await client.GetAsync("/api/instances?definitionId=restart&status=Finished&includeTotal=true&pageSize=200", Ct)));
        Assert.True(finished["total"]!.GetValue<int>() == Instances, $"{finished["total"]}/{Instances} finished.\n{node.Output}");
        foreach (var item in finished["items"]!.AsArray())
        {
            var journal = (await OkAsync(await client.GetAsync($"/api/instances/{item!["id"]!.GetValue<string>()}", Ct)))["journal"]!.AsArray();
            Assert.Single(journal, j => j!["activityId"]!.GetValue<string>() == "Done" && j["event"]!.GetValue<string>() == "Completed");
        }
    }

    private static string RunAndRead(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException($"Could not run {file}.");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed: {process.StandardError.ReadToEnd()}");
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresServerFixture.AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
