using System.Net;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>/workflows/{path}: inbound webhooks start or resume workflows through their HttpEndpoint.</summary>
public abstract partial class WorkflowHttpTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServerFixture
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

    /// <summary>Started anonymously, then waits at a second route that only an operator may call.</summary>
    private static string StartThenConfirm(string id, string path, string policy) => $$"""
        { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "Start", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
            "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}/start" } },
            "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } } },
          { "id": "Confirm", "type": "Elsa.HttpEndpoint",
            "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}/confirm" } },
            "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } },
            "authorize": { "typeName": "Boolean", "expression": { "type": "Literal", "value": true } },
            "policy": { "typeName": "String", "expression": { "type": "Literal", "value": "{{policy}}" } } },
          { "id": "Done", "type": "Elsa.WriteHttpResponse",
            "statusCode": { "typeName": "HttpStatusCode", "expression": { "type": "Literal", "value": "OK" } },
            "content": { "typeName": "Object", "expression": { "type": "JavaScript", "value": "({ confirmedBy: getParsedContentFromConfirm().by })" } } } ],
          "connections": [
            { "source": { "activity": "Start", "port": "Done" }, "target": { "activity": "Confirm", "port": "In" } },
            { "source": { "activity": "Confirm", "port": "Done" }, "target": { "activity": "Done", "port": "In" } } ] } }
        """;

    [Fact]
    public async Task WaitingEndpoint_ThatRequiresAPolicy_RefusesCallersWithoutIt_AndKeepsWaiting()
    {
        var path = "confirm-" + Guid.NewGuid().ToString("N")[..6];
        await PublishAsync(StartThenConfirm("wh-" + Guid.NewGuid().ToString("N")[..8], path, "operate-workflows"));
        var anonymous = await fixture.ClientAsync(null);
        var started = await ReadAsync(await anonymous.PostAsync($"/workflows/{path}/start", Body("{}"), Ct));
        Assert.Equal("Suspended", started["subStatus"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/workflows/{path}/confirm", Body("""{ "by": "stranger" }"""), Ct)).StatusCode);
        var agent = await fixture.ClientAsync("bob");
        var forbidden = await agent.PostAsync($"/workflows/{path}/confirm", Body("""{ "by": "bob" }"""), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("operate-workflows", (await ReadAsync(forbidden))["detail"]!.GetValue<string>());

        var owner = await fixture.ClientAsync("dave");
        var instance = await OkAsync(await owner.GetAsync($"/api/instances/{started["workflowInstanceId"]!.GetValue<string>()}", Ct));
        Assert.Equal("Suspended", instance["instance"]!["subStatus"]!.GetValue<string>()); // the refused calls changed nothing
        var confirmed = await owner.PostAsync($"/workflows/{path}/confirm", Body("""{ "by": "dave" }"""), Ct);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("dave", (await ReadAsync(confirmed))["confirmedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task WaitingEndpoint_NamingAnUnknownPolicy_RefusesEveryone_WithAMessage()
    {
        var path = "typo-" + Guid.NewGuid().ToString("N")[..6];
        await PublishAsync(StartThenConfirm("wh-" + Guid.NewGuid().ToString("N")[..8], path, "operate-workflow"));
        var anonymous = await fixture.ClientAsync(null);
        await ReadAsync(await anonymous.PostAsync($"/workflows/{path}/start", Body("{}"), Ct));
        var refused = await (await fixture.ClientAsync("erin")).PostAsync($"/workflows/{path}/confirm", Body("{}"), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("which this server does not have", (await ReadAsync(refused))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task WorkflowResponse_IsSandboxed_AndCannotSetCookiesOnTheProductsOrigin()
    {
        var path = "page-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync($$"""
            { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "In", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
                "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}" } } },
              { "id": "Out", "type": "Elsa.WriteHttpResponse",
                "contentType": { "typeName": "String", "expression": { "type": "Literal", "value": "text/html" } },
                "content": { "typeName": "Object", "expression": { "type": "Literal", "value": "<script>fetch('/account/me')</script>" } },
                "responseHeaders": { "typeName": "HttpResponseHeaders", "expression": { "type": "JavaScript", "value": "({ 'Set-Cookie': 'itsm.auth=planted', 'Content-Security-Policy': 'default-src *', 'X-Ticket': 'INC42' })" } } } ],
              "connections": [ { "source": { "activity": "In", "port": "Done" }, "target": { "activity": "Out", "port": "In" } } ] } }
            """);
        var response = await (await fixture.ClientAsync(null)).GetAsync($"/workflows/{path}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.StartsWith("sandbox", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("INC42", Assert.Single(response.Headers.GetValues("X-Ticket"))); // the workflow's own headers still go out
    }

    [Fact]
    public async Task WorkflowResponse_CannotAskForAPasswordOrSetOriginWidePolicies_ButMayRedirect()
    {
        var path = "deny-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync($$"""
            { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "In", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
                "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}" } } },
              { "id": "Out", "type": "Elsa.WriteHttpResponse",
                "statusCode": { "typeName": "HttpStatusCode", "expression": { "type": "Literal", "value": "Unauthorized" } },
                "content": { "typeName": "Object", "expression": { "type": "Literal", "value": "sign in" } },
                "responseHeaders": { "typeName": "HttpResponseHeaders", "expression": { "type": "JavaScript", "value": "({ 'WWW-Authenticate': 'Basic realm=\"ITSM\"', 'Proxy-Authenticate': 'Basic realm=\"ITSM\"', 'NEL': '{\"report_to\":\"x\",\"max_age\":31536000}', 'Report-To': '{\"group\":\"x\",\"max_age\":31536000,\"endpoints\":[{\"url\":\"https://evil.example/r\"}]}', 'Alt-Svc': 'h2=\"evil.example:443\"', 'Access-Control-Max-Age': '86400', 'Location': '/portal/', 'X-Ticket': 'INC42' })" } } } ],
              "connections": [ { "source": { "activity": "In", "port": "Done" }, "target": { "activity": "Out", "port": "In" } } ] } }
            """);
        var response = await (await fixture.ClientAsync(null)).GetAsync($"/workflows/{path}", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        foreach (var reserved in new[] { "WWW-Authenticate", "Proxy-Authenticate", "NEL", "Report-To", "Alt-Svc", "Access-Control-Max-Age" })
        {
            Assert.False(response.Headers.TryGetValues(reserved, out _) || response.Content.Headers.TryGetValues(reserved, out _), $"{reserved} reached the caller");
        }
        Assert.Equal("/portal/", response.Headers.Location!.OriginalString);
        Assert.Equal("INC42", Assert.Single(response.Headers.GetValues("X-Ticket")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Route_WhoseWaitersAreAllStoppedByAnIncident_Is409_AndStartsNothing(int count)
    {
        var path = "stuck-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        var eventName = "boom-" + Guid.NewGuid().ToString("N")[..8];
        // Started through the API, it waits at the route (which also starts the workflow) and for an event, after which it faults.
        await PublishAsync($$"""
            { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Begin", "type": "Elsa.Start" },
              { "id": "Hook", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
                "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}" } },
                "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } } },
              { "id": "Ev", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "{{eventName}}" } } },
              { "id": "Boom", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "JavaScript", "value": "(() => { throw new Error('boom'); })()" } } } ],
              "connections": [
                { "source": { "activity": "Begin", "port": "Done" }, "target": { "activity": "Hook", "port": "In" } },
                { "source": { "activity": "Begin", "port": "Done" }, "target": { "activity": "Ev", "port": "In" } },
                { "source": { "activity": "Ev", "port": "Done" }, "target": { "activity": "Boom", "port": "In" } } ] } }
            """);
        var owner = await fixture.ClientAsync("dave");
        var waiting = new List<string>();
        for (var i = 0; i < count; i++) waiting.Add((await OkAsync(await owner.PostJsonAsync("/api/instances", new { definitionId = id })))["instance"]!["id"]!.GetValue<string>());
        await OkAsync(await owner.PostJsonAsync("/api/instances/events", new { name = eventName }));
        foreach (var instanceId in waiting)
        {
            Assert.Equal("Faulted", (await OkAsync(await owner.GetAsync($"/api/instances/{instanceId}", Ct)))["instance"]!["subStatus"]!.GetValue<string>());
        }

        var refused = await (await fixture.ClientAsync(null)).PostAsync($"/workflows/{path}", Body("{}"), Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        var problem = await ReadAsync(refused);
        Assert.Equal("Process stopped by an incident", problem["title"]!.GetValue<string>());
        Assert.Contains(count == 1 ? "(1 instance)" : $"{count} instances", problem["detail"]!.GetValue<string>());
        Assert.All(waiting, instanceId => Assert.DoesNotContain(instanceId, problem["detail"]!.GetValue<string>())); // the caller may be anyone
        var all = await OkAsync(await owner.GetAsync($"/api/instances?definitionId={id}&includeTotal=true", Ct));
        Assert.Equal(count, all["total"]!.GetValue<int>()); // no new instance was started at the route instead
    }

    [Fact]
    public async Task Webhook_WhoseWorkflowStopsAtAnIncident_Is500_NotAnAcknowledgement()
    {
        // A monitoring system must not record success for an alert that opened nothing.
        var path = "faulty-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync($$"""
            { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Hook", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
                "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}" } },
                "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } } },
              { "id": "OpenIncident", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "JavaScript", "value": "(() => { throw new Error('secret internal detail'); })()" } } } ],
              "connections": [ { "source": { "activity": "Hook", "port": "Done" }, "target": { "activity": "OpenIncident", "port": "In" } } ] } }
            """);

        var answer = await (await fixture.ClientAsync(null)).PostAsync($"/workflows/{path}", Body("{}"), Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType!.MediaType);
        var problem = await ReadAsync(answer);
        Assert.Equal("Workflow stopped by an incident", problem["title"]!.GetValue<string>());
        Assert.Contains("in step 'OpenIncident'", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret internal detail", problem.ToJsonString(), StringComparison.Ordinal);
        var instance = await OkAsync(await (await fixture.ClientAsync("dave")).GetAsync($"/api/instances/{problem["workflowInstanceId"]!.GetValue<string>()}", Ct));
        Assert.Equal("Faulted", instance["instance"]!["subStatus"]!.GetValue<string>());
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
        // The route is there, for POST only: a GET is told so (405 with Allow), not that nothing answers.
        var wrongMethod = await client.GetAsync($"/workflows/{path}/x", Ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(["POST"], wrongMethod.Content.Headers.Allow);
        Assert.Contains("takes POST, not GET", (await ReadAsync(wrongMethod))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}

public sealed class WorkflowHttpSqliteTests(SqliteServerFixture fixture) : WorkflowHttpTests<SqliteServerFixture>(fixture);

public sealed class WorkflowHttpPostgresTests(PostgresServerFixture fixture) : WorkflowHttpTests<PostgresServerFixture>(fixture);
