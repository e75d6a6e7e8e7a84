using System.Net;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>/workflows/{path}: inbound webhooks start or resume workflows through their HttpEndpoint.</summary>
public abstract class WorkflowHttpTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static string Webhook(string id, string path, bool authorize) => $$"""
        { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "In", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
            "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}/{source}" } },
            "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } },
            "authorize": { "typeName": "Boolean", "expression": { "type": "Literal", "value": {{(authorize ? "true" : "false")}} } } },
          { "id": "Out", "type": "Elsa.WriteHttpResponse",
            "statusCode": { "typeName": "HttpStatusCode", "expression": { "type": "Literal", "value": "Created" } },
            "content": { "typeName": "Object", "expression": { "type": "JavaScript", "value": "({ source: getRouteDataFromIn().source, severity: getParsedContentFromIn().severity })" } } } ],
          "connections": [ { "source": { "activity": "In", "port": "Done" }, "target": { "activity": "Out", "port": "In" } } ] } }
        """;

    private async Task PublishAsync(string json)
    {
        var client = await fixture.ClientAsync("dave");
        await OkAsync(await client.PostAsync("/api/definitions/import?publish=true", Body(json), Ct));
    }

    [Fact]
    public async Task Webhook_StartsTheWorkflow_WithRouteDataAndBody_AndAnswersWithItsResponse()
    {
        var path = "alerts-" + Guid.NewGuid().ToString("N")[..6];
        await PublishAsync(Webhook("wh-" + Guid.NewGuid().ToString("N")[..8], path, authorize: false));
        var anonymous = await fixture.ClientAsync(null);
        var response = await anonymous.PostAsync($"/workflows/{path}/zabbix", Body("""{ "severity": "disaster" }"""), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal("zabbix", body["source"]!.GetValue<string>());
        Assert.Equal("disaster", body["severity"]!.GetValue<string>());
    }

    [Fact]
    public async Task Webhook_ThatRequiresSignIn_Refuses401Anonymously_AndAcceptsASignedInCaller()
    {
        var path = "secure-" + Guid.NewGuid().ToString("N")[..6];
        await PublishAsync(Webhook("wh-" + Guid.NewGuid().ToString("N")[..8], path, authorize: true));
        var anonymous = await fixture.ClientAsync(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/workflows/{path}/x", Body("{}"), Ct)).StatusCode);
        var signedIn = await fixture.ClientAsync("bob");
        Assert.Equal(HttpStatusCode.Created, (await signedIn.PostAsync($"/workflows/{path}/x", Body("{}"), Ct)).StatusCode);
    }

    [Fact]
    public async Task UnknownRoute_Is404_AndMalformedJsonIs400()
    {
        var client = await fixture.ClientAsync(null);
        var missing = await client.PostAsync($"/workflows/nothing-{Guid.NewGuid():N}", Body("{}"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);

        var path = "bad-" + Guid.NewGuid().ToString("N")[..6];
        await PublishAsync(Webhook("wh-" + Guid.NewGuid().ToString("N")[..8], path, authorize: false));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync($"/workflows/{path}/x", Body("{ nope"), Ct)).StatusCode);
    }
}

public sealed class WorkflowHttpSqliteTests(SqliteServerFixture fixture) : WorkflowHttpTests<SqliteServerFixture>(fixture);

public sealed class WorkflowHttpPostgresTests(PostgresServerFixture fixture) : WorkflowHttpTests<PostgresServerFixture>(fixture);
