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

    private static string Parent(string id, string childId, string childVersionId) => $$"""
        { "definitionId": "{{id}}", "name": "Parent",
          "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
            { "id": "UseChild", "type": "ChildFlow", "workflowDefinitionId": "{{childId}}", "workflowDefinitionVersionId": "{{childVersionId}}", "version": 1 } ], "connections": [] } }
        """;

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
    }

    [Fact]
    public async Task Publish_WithoutAutoUpdate_LeavesConsumersOnTheirVersion()
    {
        var (client, childId, childV1) = await ChildV1Async(autoUpdate: false);
        var parent = "parent-" + Guid.NewGuid().ToString("N")[..8];
        await OkAsync(await client.PostAsync("/api/definitions", Body(Parent(parent, childId, childV1)), Ct));

        var published = await PublishChildV2Async(client, childId, autoUpdate: false);

        Assert.Null(published["consumersUpdated"]);
        var draft = await OkAsync(await client.GetAsync($"/api/definitions/{parent}", Ct));
        Assert.Equal(childV1, UseChild(draft)["workflowDefinitionVersionId"]!.GetValue<string>());
    }
}

public sealed class ConsumerUpdateSqliteTests(SqliteServerFixture fixture) : ConsumerUpdateTests<SqliteServerFixture>(fixture);

public sealed class ConsumerUpdatePostgresTests(PostgresServerFixture fixture) : ConsumerUpdateTests<PostgresServerFixture>(fixture);
