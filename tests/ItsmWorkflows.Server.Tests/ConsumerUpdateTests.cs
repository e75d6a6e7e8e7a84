using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Publishing a definition used as an activity points its consumers at the new version when it asks for that.</summary>
public abstract class ConsumerUpdateTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static string Child(string id, string name, bool autoUpdate) => $$"""
        { "definitionId": "{{id}}", "name": "Child", "options": { "usableAsActivity": true, "autoUpdateConsumingWorkflows": {{(autoUpdate ? "true" : "false")}} },
          "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
            { "id": "Name", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "{{name}}" } } } ], "connections": [] } }
        """;

    private static string Parent(string id, string childId, string childVersionId, string options = "", string extraActivities = "", string connections = "") => $$"""
        { "definitionId": "{{id}}", "name": "Parent" {{options}},
          "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
            { "id": "UseChild", "type": "ChildFlow", "workflowDefinitionId": "{{childId}}", "workflowDefinitionVersionId": "{{childVersionId}}", "version": 1 } {{extraActivities}} ], "connections": [ {{connections}} ] } }
        """;

    private static string Uses(string activityId, string definitionId, string versionId) =>
        $$""", { "id": "{{activityId}}", "type": "Uses{{activityId}}", "workflowDefinitionId": "{{definitionId}}", "workflowDefinitionVersionId": "{{versionId}}", "version": 1 }""";

    private const string Propagating = """, "options": { "usableAsActivity": true, "autoUpdateConsumingWorkflows": true }""";

    private static async Task<string> CreateAsync(HttpClient client, string json, bool publish)
    {
        var created = await OkAsync(await client.PostAsync("/api/definitions", Body(json), Ct));
        var id = created["version"]!["definitionId"]!.GetValue<string>();
        if (!publish) return created["version"]!["versionId"]!.GetValue<string>();
        return (await OkAsync(await client.PostAsync($"/api/definitions/{id}/publish", null, Ct)))["version"]!["versionId"]!.GetValue<string>();
    }

    private static async Task<JsonNode> LatestAsync(HttpClient client, string definitionId) => await OkAsync(await client.GetAsync($"/api/definitions/{definitionId}", Ct));

    private static string PointsAt(JsonNode detail, string activityId) =>
        detail["definition"]!["root"]!["activities"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == activityId)!["workflowDefinitionVersionId"]!.GetValue<string>();

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static JsonObject UseChild(JsonNode detail) =>
        detail["definition"]!["root"]!["activities"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "UseChild")!.AsObject();

    private async Task<(HttpClient Client, string ChildId, string ChildV1)> ChildV1Async(bool autoUpdate)
    {
        var client = await fixture.ClientAsync("dave");
        var childId = "child-" + Guid.NewGuid().ToString("N")[..8];
        var created = await OkAsync(await client.PostAsync("/api/definitions", Body(Child(childId, "child v1", autoUpdate)), Ct));
        await OkAsync(await client.PostAsync($"/api/definitions/{childId}/publish", null, Ct));
        return (client, childId, created["version"]!["versionId"]!.GetValue<string>());
    }

    private static async Task<JsonNode> PublishChildV2Async(HttpClient client, string childId, bool autoUpdate)
    {
        var latest = await OkAsync(await client.GetAsync($"/api/definitions/{childId}", Ct));
        await OkAsync(await client.PutAsJsonAsync($"/api/definitions/{childId}/draft", new { definition = JsonNode.Parse(Child(childId, "child v2", autoUpdate)), revision = latest["version"]!["revision"]!.GetValue<long>() }, Ct));
        return await OkAsync(await client.PostAsync($"/api/definitions/{childId}/publish", null, Ct));
    }

    [Fact]
    public async Task Publish_WithAutoUpdate_UpdatesADraftConsumerAndRepublishesAPublishedOne()
    {
        var (client, childId, childV1) = await ChildV1Async(autoUpdate: true);
        var draftParent = "parent-" + Guid.NewGuid().ToString("N")[..8];
        var liveParent = "parent-" + Guid.NewGuid().ToString("N")[..8];
        await OkAsync(await client.PostAsync("/api/definitions", Body(Parent(draftParent, childId, childV1)), Ct));
        await OkAsync(await client.PostAsync("/api/definitions", Body(Parent(liveParent, childId, childV1)), Ct));
        await OkAsync(await client.PostAsync($"/api/definitions/{liveParent}/publish", null, Ct));
        var before = await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = liveParent }));
        Assert.Equal("child v1", before["instance"]!["name"]!.GetValue<string>());

        var published = await PublishChildV2Async(client, childId, autoUpdate: true);

        var childV2 = published["version"]!["versionId"]!.GetValue<string>();
        var updates = published["consumersUpdated"]!.AsArray().ToDictionary(u => u!["definitionId"]!.GetValue<string>(), u => u!["outcome"]!.GetValue<string>() + " v" + u["version"]!.GetValue<int>());
        Assert.Equal(new Dictionary<string, string> { [draftParent] = "draft updated v1", [liveParent] = "published v2" }, updates);
        var draft = await OkAsync(await client.GetAsync($"/api/definitions/{draftParent}", Ct));
        Assert.Equal((childV2, 2), (UseChild(draft)["workflowDefinitionVersionId"]!.GetValue<string>(), UseChild(draft)["version"]!.GetValue<int>()));
        Assert.Equal("Draft", draft["version"]!["state"]!.GetValue<string>());
        var live = await OkAsync(await client.GetAsync($"/api/definitions/{liveParent}", Ct));
        Assert.Equal(("Published", 2), (live["version"]!["state"]!.GetValue<string>(), live["version"]!["version"]!.GetValue<int>()));
        Assert.StartsWith("dave (published " + childId + " v2)", live["version"]!["updatedBy"]!.GetValue<string>(), StringComparison.Ordinal);
        var after = await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = liveParent }));
        Assert.Equal("child v2", after["instance"]!["name"]!.GetValue<string>());
        var versions = (await OkAsync(await client.GetAsync($"/api/definitions/{liveParent}/versions", Ct))).AsArray().Select(v => v!["state"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["Published", "Superseded"], versions);
    }

    [Fact]
    public async Task Publish_ThroughAnotherConsumer_EachConsumerGetsOneVersionUsingEveryNewOne()
    {
        // c ← a ← b, and b uses c directly too: b's new version must use c v2 and a v2 (whatever order ids sort in).
        var (client, c, cV1) = await ChildV1Async(autoUpdate: true);
        var a = NewId("mid");
        var b = NewId("all"); // sorts before "mid": ids alone would take it first
        var aV1 = await CreateAsync(client, Parent(a, c, cV1, Propagating), publish: true);
        await CreateAsync(client, Parent(b, c, cV1, extraActivities: Uses("UseA", a, aV1)), publish: true);
        var starter = NewId("starter");
        await CreateAsync(client, $$"""
            { "definitionId": "{{starter}}", "name": "Starts c", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Run", "type": "Elsa.ExecuteWorkflow", "workflowDefinitionId": { "typeName": "String", "expression": { "type": "Literal", "value": "{{c}}" } } } ], "connections": [] } }
            """, publish: true);

        var published = await PublishChildV2Async(client, c, autoUpdate: true);

        var cV2 = published["version"]!["versionId"]!.GetValue<string>();
        var updates = published["consumersUpdated"]!.AsArray().Select(u => $"{u!["definitionId"]!.GetValue<string>()} {u["outcome"]!.GetValue<string>()} v{u["version"]!.GetValue<int>()}").ToList();
        Assert.Equal([$"{a} published v2", $"{b} published v2"], updates);
        var aLatest = await LatestAsync(client, a);
        var bLatest = await LatestAsync(client, b);
        Assert.Equal(cV2, PointsAt(aLatest, "UseChild"));
        Assert.Equal((cV2, aLatest["version"]!["versionId"]!.GetValue<string>()), (PointsAt(bLatest, "UseChild"), PointsAt(bLatest, "UseA")));
        Assert.Equal(1, (await LatestAsync(client, starter))["version"]!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Publish_AConsumerTheNewVersionMakesInvalid_StaysADraftWithTheReason()
    {
        // The consumer follows the child's "Special" outcome, which version 2 no longer has.
        var client = await fixture.ClientAsync("dave");
        var c = NewId("child");
        var withOutcome = Child(c, "child v1", autoUpdate: true).Replace("\"name\": \"Child\",", "\"name\": \"Child\", \"outcomes\": [\"Special\"],", StringComparison.Ordinal);
        var cV1 = await CreateAsync(client, withOutcome, publish: true);
        var parent = NewId("parent");
        await CreateAsync(client, Parent(parent, c, cV1, extraActivities: """, { "id": "Then", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "special" } } }""",
            connections: """{ "source": { "activity": "UseChild", "port": "Special" }, "target": { "activity": "Then", "port": "In" } }"""), publish: true);

        var published = await PublishChildV2Async(client, c, autoUpdate: true);

        var update = Assert.Single(published["consumersUpdated"]!.AsArray())!;
        Assert.Equal(("draft, not published", 2), (update["outcome"]!.GetValue<string>(), update["version"]!.GetValue<int>()));
        Assert.Contains("Special", update["message"]!.GetValue<string>());
        var versions = (await OkAsync(await client.GetAsync($"/api/definitions/{parent}/versions", Ct))).AsArray().Select(v => $"v{v!["version"]!.GetValue<int>()} {v["state"]!.GetValue<string>()}").Order().ToList();
        Assert.Equal(["v1 Published", "v2 Draft"], versions);
    }

    [Fact]
    public async Task AnEditStartedBeforeTheAutoUpdate_IsStale()
    {
        var (client, c, cV1) = await ChildV1Async(autoUpdate: true);
        var parent = NewId("parent");
        await CreateAsync(client, Parent(parent, c, cV1), publish: true);
        var opened = await LatestAsync(client, parent);

        await PublishChildV2Async(client, c, autoUpdate: true);
        var save = await client.PutAsJsonAsync($"/api/definitions/{parent}/draft", new { definition = opened["definition"], revision = opened["version"]!["revision"]!.GetValue<long>() }, Ct);

        Assert.Equal(System.Net.HttpStatusCode.Conflict, save.StatusCode);
        Assert.Contains($"(published {c} v2)", (await ReadAsync(save))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Publish_WithoutAutoUpdate_LeavesConsumersOnTheirVersion()
    {
        var (client, childId, childV1) = await ChildV1Async(autoUpdate: false);
        var parent = "parent-" + Guid.NewGuid().ToString("N")[..8];
        await OkAsync(await client.PostAsync("/api/definitions", Body(Parent(parent, childId, childV1)), Ct));
        var live = NewId("live");
        await CreateAsync(client, Parent(live, childId, childV1), publish: true);

        var published = await PublishChildV2Async(client, childId, autoUpdate: false);

        Assert.Null(published["consumersUpdated"]);
        var draft = await OkAsync(await client.GetAsync($"/api/definitions/{parent}", Ct));
        Assert.Equal(childV1, UseChild(draft)["workflowDefinitionVersionId"]!.GetValue<string>());
        Assert.Equal(1, (await LatestAsync(client, live))["version"]!["version"]!.GetValue<int>());
    }
}

public sealed class ConsumerUpdateSqliteTests(SqliteServerFixture fixture) : ConsumerUpdateTests<SqliteServerFixture>(fixture);

public sealed class ConsumerUpdatePostgresTests(PostgresServerFixture fixture) : ConsumerUpdateTests<PostgresServerFixture>(fixture);
