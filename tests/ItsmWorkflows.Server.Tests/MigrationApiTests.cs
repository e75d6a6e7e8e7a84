using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Moving running instances to another version (one, and all of a version) against each database provider.</summary>
public abstract class MigrationApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static string NewId() => "mig-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Waits in <paramref name="waitId"/> for <paramref name="eventName"/>, then writes <paramref name="after"/>.</summary>
    private static string Waiting(string definitionId, string eventName, string waitId = "Approve", string after = "v1 after") => $$"""
        {
          "definitionId": "{{definitionId}}", "name": "Migration test",
          "root": { "type": "Elsa.Flowchart", "id": "Flowchart1", "activities": [
            { "id": "{{waitId}}", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "{{eventName}}" } } },
            { "id": "After", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "{{after}}" } } }
          ], "connections": [ { "source": { "activity": "{{waitId}}", "port": "Done" }, "target": { "activity": "After", "port": "In" } } ] }
        }
        """;

    private static async Task PublishVersionAsync(HttpClient client, string json) =>
        await OkAsync(await client.PostAsync("/api/definitions/import?publish=true&asNewVersion=true", Body(json), Ct));

    private static async Task<string> StartAsync(HttpClient client, string definitionId) =>
        (await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId })))["instance"]!["id"]!.GetValue<string>();

    [Fact]
    public async Task Migrate_OneInstance_MovesItAndItFinishesOnTheNewVersion()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        var eventName = "go-" + id;
        await PublishVersionAsync(client, Waiting(id, eventName));
        var instance = await StartAsync(client, id);
        await PublishVersionAsync(client, Waiting(id, eventName, after: "v2 after"));

        var dry = await OkAsync(await client.PostJsonAsync($"/api/instances/{instance}/migrate", new { targetVersion = 2, dryRun = true }));
        Assert.True(dry["canMigrate"]!.GetValue<bool>());
        Assert.False(dry["migrated"]!.GetValue<bool>());
        Assert.Equal(1, (await OkAsync(await client.GetAsync($"/api/instances/{instance}", Ct)))["instance"]!["version"]!.GetValue<int>());

        var moved = await OkAsync(await client.PostJsonAsync($"/api/instances/{instance}/migrate", new { targetVersion = 2 }));
        Assert.True(moved["migrated"]!.GetValue<bool>());
        Assert.Empty(moved["notes"]!.AsArray()); // the waiting Approve is unchanged; After has not started, so it simply runs as version 2 has it
        var detail = await OkAsync(await client.GetAsync($"/api/instances/{instance}", Ct));
        Assert.Equal(2, detail["instance"]!["version"]!.GetValue<int>());
        Assert.Contains(detail["journal"]!.AsArray(), j => j!["event"]!.GetValue<string>() == "Migrated" && j["message"]!.GetValue<string>() == "Moved from version 1 to version 2 by dave.");
        // The version filter of the list sees the move.
        var listed = await OkAsync(await client.GetAsync($"/api/instances?definitionId={id}&version=2", Ct));
        Assert.Contains(listed["items"]!.AsArray(), i => i!["id"]!.GetValue<string>() == instance);

        await OkAsync(await client.PostJsonAsync("/api/instances/events", new { name = eventName }));
        var finished = await OkAsync(await client.GetAsync($"/api/instances/{instance}", Ct));
        Assert.Equal("Finished", finished["instance"]!["status"]!.GetValue<string>());
        Assert.Equal("v2 after", finished["instance"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Migrate_Refused_Is422WithTheReasonsAndChangesNothing()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        var eventName = "go-" + id;
        await PublishVersionAsync(client, Waiting(id, eventName));
        var instance = await StartAsync(client, id);
        await PublishVersionAsync(client, Waiting(id, eventName, waitId: "CabApproval"));

        var refused = await client.PostJsonAsync($"/api/instances/{instance}/migrate", new { targetVersion = 2 });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await ReadAsync(refused);
        Assert.Contains("has no activity 'Approve'", problem["detail"]!.GetValue<string>());
        Assert.Contains("Nothing was changed", problem["detail"]!.GetValue<string>());
        Assert.Equal("Approve", problem["issues"]![0]!["activityId"]!.GetValue<string>());
        var detail = await OkAsync(await client.GetAsync($"/api/instances/{instance}", Ct));
        Assert.Equal(1, detail["instance"]!["version"]!.GetValue<int>());
        Assert.DoesNotContain(detail["journal"]!.AsArray(), j => j!["event"]!.GetValue<string>() == "Migrated");
    }

    [Fact]
    public async Task Migrate_WithActivityMap_RenamesTheWaitingActivityInStateAndIndex()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        var eventName = "go-" + id;
        await PublishVersionAsync(client, Waiting(id, eventName));
        var instance = await StartAsync(client, id);
        await PublishVersionAsync(client, Waiting(id, eventName, waitId: "CabApproval", after: "v2 after"));

        await OkAsync(await client.PostJsonAsync($"/api/instances/{instance}/migrate", new { targetVersion = 2, activityMap = new Dictionary<string, string> { ["Approve"] = "CabApproval" } }));

        var detail = await OkAsync(await client.GetAsync($"/api/instances/{instance}", Ct));
        Assert.Equal("CabApproval", detail["bookmarks"]![0]!["activityId"]!.GetValue<string>());
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Data.ItsmDbContext>();
            Assert.Equal("CabApproval", await db.Bookmarks.Where(b => b.InstanceId == instance).Select(b => b.ActivityId).SingleAsync(Ct));
        }
        await OkAsync(await client.PostJsonAsync("/api/instances/events", new { name = eventName }));
        Assert.Equal("v2 after", (await OkAsync(await client.GetAsync($"/api/instances/{instance}", Ct)))["instance"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Migrate_ToADraftOrUnknownVersion_IsClear()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        await PublishVersionAsync(client, Waiting(id, "go-" + id));
        var instance = await StartAsync(client, id);
        await OkAsync(await client.PostAsync("/api/definitions/import?asNewVersion=true", Body(Waiting(id, "go-" + id, after: "draft")), Ct));

        var draft = await client.PostJsonAsync($"/api/instances/{instance}/migrate", new { targetVersion = 2 });
        Assert.Equal(HttpStatusCode.Conflict, draft.StatusCode);
        Assert.Contains("Publish it first", (await ReadAsync(draft))["detail"]!.GetValue<string>());
        var unknown = await client.PostJsonAsync($"/api/instances/{instance}/migrate", new { targetVersion = 9 });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var same = await client.PostJsonAsync($"/api/instances/{instance}/migrate", new { targetVersion = 1 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, same.StatusCode);
        Assert.Contains("already runs version 1", (await ReadAsync(same))["detail"]!.GetValue<string>());
        var noInstance = await client.PostJsonAsync($"/api/instances/{NewId()}/migrate", new { targetVersion = 1 });
        Assert.Equal(HttpStatusCode.NotFound, noInstance.StatusCode);
    }

    [Fact]
    public async Task MigrateAll_MovesTheRunningOnesThatCanAndListsTheRefused()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        // Version 1: Approve, then Second, then After. Version 2 drops Second.
        var v1 = Waiting(id, "go-" + id).Replace("""{ "id": "After",""", $$"""{ "id": "Second", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "second-{{id}}" } } }, { "id": "After",""", StringComparison.Ordinal)
            .Replace("""{ "source": { "activity": "Approve", "port": "Done" }, "target": { "activity": "After", "port": "In" } }""", """{ "source": { "activity": "Approve", "port": "Done" }, "target": { "activity": "Second", "port": "In" } }, { "source": { "activity": "Second", "port": "Done" }, "target": { "activity": "After", "port": "In" } }""", StringComparison.Ordinal);
        await PublishVersionAsync(client, v1);
        var inApprove = (await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id, correlationId = "A" })))["instance"]!["id"]!.GetValue<string>();
        var inSecond = (await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id, correlationId = "B" })))["instance"]!["id"]!.GetValue<string>();
        var finished = (await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id, correlationId = "C" })))["instance"]!["id"]!.GetValue<string>();
        await OkAsync(await client.PostJsonAsync("/api/instances/events", new { name = "go-" + id, correlationId = "B" }));
        await OkAsync(await client.PostJsonAsync("/api/instances/events", new { name = "go-" + id, correlationId = "C" }));
        await OkAsync(await client.PostJsonAsync("/api/instances/events", new { name = "second-" + id, correlationId = "C" }));
        // Version 2 also declares a variable: what the move changes is said once for the instances it holds for.
        await PublishVersionAsync(client, Waiting(id, "go-" + id, after: "v2 after").Replace("\"root\":", "\"variables\": [ { \"id\": \"tries\", \"name\": \"tries\", \"typeName\": \"Int32\", \"value\": 3 } ], \"root\":", StringComparison.Ordinal));

        var dry = await OkAsync(await client.PostJsonAsync($"/api/definitions/{id}/migrate-instances", new { fromVersion = 1, targetVersion = 2, dryRun = true }));
        Assert.Equal((2, 1, 1), (dry["checked"]!.GetValue<int>(), dry["migrated"]!.GetValue<int>(), dry["refused"]!.GetValue<int>()));
        var note = Assert.Single(dry["notes"]!.AsArray())!;
        Assert.Equal(("Variable 'tries' is new in version 2: it starts at its initial value (3).", 1), (note["note"]!.GetValue<string>(), note["instances"]!.GetValue<int>()));
        Assert.Null(dry["refusedInstances"]![0]!["ticket"]); // an instance no ticket runs on is named by its id alone
        Assert.Equal(1, (await OkAsync(await client.GetAsync($"/api/instances/{inApprove}", Ct)))["instance"]!["version"]!.GetValue<int>());

        var done = await OkAsync(await client.PostJsonAsync($"/api/definitions/{id}/migrate-instances", new { fromVersion = 1, targetVersion = 2 }));

        Assert.Equal((2, 1, 1), (done["checked"]!.GetValue<int>(), done["migrated"]!.GetValue<int>(), done["refused"]!.GetValue<int>()));
        var refused = Assert.Single(done["refusedInstances"]!.AsArray())!;
        Assert.Equal(inSecond, refused["instanceId"]!.GetValue<string>());
        Assert.Contains("has no activity 'Second'", refused["issues"]![0]!["message"]!.GetValue<string>());
        async Task<int> VersionOf(string instance) => (await OkAsync(await client.GetAsync($"/api/instances/{instance}", Ct)))["instance"]!["version"]!.GetValue<int>();
        Assert.Equal((2, 1, 1), (await VersionOf(inApprove), await VersionOf(inSecond), await VersionOf(finished)));
        var again = await OkAsync(await client.PostJsonAsync($"/api/definitions/{id}/migrate-instances", new { fromVersion = 1, targetVersion = 2 }));
        Assert.Equal((1, 0, 1), (again["checked"]!.GetValue<int>(), again["migrated"]!.GetValue<int>(), again["refused"]!.GetValue<int>()));
    }

    [Fact]
    public async Task MigrateAll_InPortions_ContinuesWhereTheLastCallStopped()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        await PublishVersionAsync(client, Waiting(id, "go-" + id));
        var started = new List<string>();
        for (var i = 0; i < 3; i++) started.Add(await StartAsync(client, id));
        await PublishVersionAsync(client, Waiting(id, "go-" + id, after: "v2 after"));

        var first = await OkAsync(await client.PostJsonAsync($"/api/definitions/{id}/migrate-instances", new { fromVersion = 1, targetVersion = 2, limit = 2 }));
        Assert.Equal((2, 2), (first["checked"]!.GetValue<int>(), first["migrated"]!.GetValue<int>()));
        var next = first["next"]!.GetValue<string>();
        var rest = await OkAsync(await client.PostJsonAsync($"/api/definitions/{id}/migrate-instances", new { fromVersion = 1, targetVersion = 2, limit = 2, after = next }));

        Assert.Equal((1, 1), (rest["checked"]!.GetValue<int>(), rest["migrated"]!.GetValue<int>()));
        Assert.Null(rest["next"]);
        foreach (var instance in started) Assert.Equal(2, (await OkAsync(await client.GetAsync($"/api/instances/{instance}", Ct)))["instance"]!["version"]!.GetValue<int>());
        var badLimit = await client.PostJsonAsync($"/api/definitions/{id}/migrate-instances", new { fromVersion = 1, targetVersion = 2, limit = 0 });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    private static string Composing(string definitionId, string activityId, string script) => $$"""
        {
          "definitionId": "{{definitionId}}", "name": "Fix forward",
          "root": { "type": "Elsa.Flowchart", "id": "Flowchart1", "activities": [
            { "id": "{{activityId}}", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "JavaScript", "value": "{{script}}" } } }
          ], "connections": [] }
        }
        """;

    [Fact]
    public async Task FaultedInstance_MovedWithARename_KeepsItsIncidentOnTheActivity_AndRetryFinishes()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        await PublishVersionAsync(client, Composing(id, "Compose", "throw new Error('broken')"));
        var instance = await StartAsync(client, id);
        await PublishVersionAsync(client, Composing(id, "ComposeName", "'fixed'"));

        await OkAsync(await client.PostJsonAsync($"/api/instances/{instance}/migrate", new { targetVersion = 2, activityMap = new Dictionary<string, string> { ["Compose"] = "ComposeName" } }));

        var detail = await OkAsync(await client.GetAsync($"/api/instances/{instance}", Ct));
        var incident = detail["incidents"]![0]!;
        Assert.Equal("ComposeName", incident["activityId"]!.GetValue<string>());
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Data.ItsmDbContext>();
            Assert.Equal("ComposeName", await db.Incidents.Where(i => i.InstanceId == instance).Select(i => i.ActivityId).SingleAsync(Ct));
        }
        await OkAsync(await client.PostAsync($"/api/instances/{instance}/incidents/{incident["id"]!.GetValue<string>()}/retry", null, Ct));
        var finished = await OkAsync(await client.GetAsync($"/api/instances/{instance}", Ct));
        Assert.Equal(("Finished", "fixed"), (finished["instance"]!["status"]!.GetValue<string>(), finished["instance"]!["name"]!.GetValue<string>()));
    }
}

public sealed class MigrationApiSqliteTests(SqliteServerFixture fixture) : MigrationApiTests<SqliteServerFixture>(fixture);

public sealed class MigrationApiPostgresTests(PostgresServerFixture fixture) : MigrationApiTests<PostgresServerFixture>(fixture);
