using System.Net;
using ItsmWorkflows.Server.Runtime;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// Two server nodes on one PostgreSQL database, driven at the same time: every stimulus sent to both
/// nodes at once is applied exactly once, and every timer swept by both nodes at once fires once.
/// (Separate processes, SIGKILL and a database restart are the next reliability tests.)
/// </summary>
public sealed class TwoNodeTests : IAsyncLifetime
{
    private const int Instances = 150;
    private readonly string _database = $"itsm_nodes_{Guid.NewGuid():N}";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private WebApplicationFactory<Program>? _nodeA;
    private WebApplicationFactory<Program>? _nodeB;

    public async ValueTask InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(PostgresServerFixture.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresServerFixture.AdminConnectionString) { Database = _database }.ConnectionString;
        _nodeA = Node(connectionString);
        _ = _nodeA.Server; // the first node migrates and seeds; the second starts on a ready database
        _nodeB = Node(connectionString);
        _ = _nodeB.Server;
    }

    private WebApplicationFactory<Program> Node(string connectionString) => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseEnvironment("Testing");
        b.UseSetting("ConnectionStrings:Postgres", connectionString);
        b.UseSetting("Demo:Enabled", "true");
        b.UseSetting("Workflows:Path", NoWorkflowsFolder.Path);
        b.UseSetting("Jobs:RunServer", "false");
        b.UseSetting("Jobs:HangfireLogs", "none");
        b.ConfigureServices(services => services.AddSingleton(sp => new ItsmWorkflows.Engine.Execution.WorkflowServices
        {
            Time = _clock,
            Lines = sp.GetRequiredService<LoggingLineWriter>(),
        }));
    });

    private static async Task<HttpClient> SignInAsync(WebApplicationFactory<Program> node)
    {
        var client = node.CreateClient();
        (await client.PostJsonAsync("/account/demo-sign-in", new { userName = "dave" })).EnsureSuccessStatusCode();
        return client;
    }

    [Fact]
    public async Task ANodesCachedCopy_ThatAnotherNodeMovedOn_IsRefusedByTheGuard_AndTheRetryReadsTheDatabase()
    {
        var a = await SignInAsync(_nodeA!);
        var b = await SignInAsync(_nodeB!);
        var definition = """
            { "definitionId": "stale-copy", "name": "stale copy", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "First", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "stale-first" } } },
              { "id": "Second", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "stale-second" } } },
              { "id": "Done", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "done" } } } ],
              "connections": [
                { "source": { "activity": "First", "port": "Done" }, "target": { "activity": "Second", "port": "In" } },
                { "source": { "activity": "Second", "port": "Done" }, "target": { "activity": "Done", "port": "In" } } ] } }
            """;
        await OkAsync(await a.PostAsync("/api/definitions/import?publish=true", Body(definition), Ct));
        // Node A starts the instance and keeps its state; node B then moves it past the first event.
        var started = await OkAsync(await a.PostJsonAsync("/api/instances", new { definitionId = "stale-copy" }));
        var instanceId = started["instance"]!["id"]!.GetValue<string>();
        var firstBookmark = started["bookmarks"]![0]!["id"]!.GetValue<string>();
        Assert.Single((await OkAsync(await b.PostJsonAsync("/api/instances/events", new { name = "stale-first" }))).AsArray());

        // Node A's copy still shows the first bookmark: its burst is refused by the revision guard, and the
        // retry on the stored state finds the bookmark consumed.
        var stale = await a.PostJsonAsync($"/api/instances/{instanceId}/bookmarks/{firstBookmark}/resume", new { });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Single((await OkAsync(await a.PostJsonAsync("/api/instances/events", new { name = "stale-second" }))).AsArray());

        var detail = await OkAsync(await b.GetAsync($"/api/instances/{instanceId}", Ct));
        Assert.Equal("done", detail["instance"]!["name"]!.GetValue<string>());
        Assert.Single(detail["journal"]!.AsArray(), j => j!["activityId"]!.GetValue<string>() == "First" && j["event"]!.GetValue<string>() == "Completed");
    }

    [Fact]
    public async Task ANodesCachedPublishedVersion_ThatAnotherNodeReplaced_IsNeverStartedOn()
    {
        var a = await SignInAsync(_nodeA!);
        var b = await SignInAsync(_nodeB!);
        static string Version(string text) => Definition("cached-version", text);
        await OkAsync(await a.PostAsync("/api/definitions/import?publish=true", Body(Version("one")), Ct));
        // Node A starts once: it now remembers version 1 as the published one.
        var first = await OkAsync(await a.PostJsonAsync("/api/instances", new { definitionId = "cached-version" }));
        Assert.Equal(1, first["instance"]!["version"]!.GetValue<int>());

        // Node B publishes version 2; node A's memory is stale, its insert is refused, and it starts on version 2.
        await OkAsync(await b.PostAsync("/api/definitions/import?asNewVersion=true&publish=true", Body(Version("two")), Ct));
        var second = await OkAsync(await a.PostJsonAsync("/api/instances", new { definitionId = "cached-version" }));
        Assert.Equal(2, second["instance"]!["version"]!.GetValue<int>());

        // Retired on B: A refuses to start at all.
        await OkAsync(await b.PostAsync("/api/definitions/cached-version/retire", null, Ct));
        Assert.Equal(HttpStatusCode.Conflict, (await a.PostJsonAsync("/api/instances", new { definitionId = "cached-version" })).StatusCode);
        var all = await OkAsync(await b.GetAsync("/api/instances?definitionId=cached-version&includeTotal=true", Ct));
        Assert.Equal(2, all["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task StimuliSentToBothNodesAtOnce_AreAppliedExactlyOnce()
    {
        var a = await SignInAsync(_nodeA!);
        var b = await SignInAsync(_nodeB!);
        var definition = """
            { "definitionId": "two-nodes", "name": "two nodes", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Wait", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "approved" } } },
              { "id": "Timer", "type": "Elsa.Delay", "timeSpan": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "1.00:00:00" } } },
              { "id": "Done", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "done" } } } ],
              "connections": [
                { "source": { "activity": "Wait", "port": "Done" }, "target": { "activity": "Timer", "port": "In" } },
                { "source": { "activity": "Timer", "port": "Done" }, "target": { "activity": "Done", "port": "In" } } ] } }
            """;
        await OkAsync(await a.PostAsync("/api/definitions/import?publish=true", Body(definition), Ct));

        // Instances started on both nodes, each waiting for its own correlated event.
        var started = await Task.WhenAll(Enumerable.Range(0, Instances).Select(async i =>
            (await OkAsync(await (i % 2 == 0 ? a : b).PostJsonAsync("/api/instances", new { definitionId = "two-nodes", correlationId = $"C{i}" })))["instance"]!["id"]!.GetValue<string>()));

        // Every event is published to both nodes at the same moment.
        var deliveries = await Task.WhenAll(Enumerable.Range(0, Instances).SelectMany(i => new[] { a, b }.Select(async node =>
        {
            var response = await node.PostJsonAsync("/api/instances/events", new { name = "approved", correlationId = $"C{i}" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await OkAsync(response)).AsArray().Count;
        })));
        Assert.Equal(Instances, deliveries.Sum());

        // Both nodes sweep the due timers at the same time.
        _clock.Advance(TimeSpan.FromDays(1));
        var fired = await Task.WhenAll(Sweep(_nodeA!), Sweep(_nodeB!));
        Assert.Equal(Instances, fired.Sum());

        foreach (var id in started)
        {
            var detail = await OkAsync(await a.GetAsync($"/api/instances/{id}", Ct));
            Assert.Equal("Finished", detail["instance"]!["subStatus"]!.GetValue<string>());
            var journal = detail["journal"]!.AsArray();
            Assert.Single(journal, j => j!["activityId"]!.GetValue<string>() == "Wait" && j["event"]!.GetValue<string>() == "Resumed");
            Assert.Single(journal, j => j!["activityId"]!.GetValue<string>() == "Timer" && j["event"]!.GetValue<string>() == "Resumed");
            Assert.Single(journal, j => j!["activityId"]!.GetValue<string>() == "Done" && j["event"]!.GetValue<string>() == "Completed");
        }
    }

    private static async Task<int> Sweep(WebApplicationFactory<Program> node)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TimerSweepJob>().RunAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_nodeA is not null) await _nodeA.DisposeAsync();
        if (_nodeB is not null) await _nodeB.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresServerFixture.AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
