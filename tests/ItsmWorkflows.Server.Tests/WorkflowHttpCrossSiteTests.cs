using System.Net;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>A workflow endpoint that requires sign-in acts as the person whose cookie came along: not for another site's page.</summary>
public abstract partial class WorkflowHttpTests<TFixture>
{
    /// <summary>Signed in, and answering GET, POST and DELETE: what a link or a form on another site could aim at.</summary>
    private static string SignedInAction(string id, string path) => $$"""
        { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "In", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
            "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}" } },
            "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"GET\", \"POST\", \"DELETE\"]" } },
            "authorize": { "typeName": "Boolean", "expression": { "type": "Literal", "value": true } } },
          { "id": "Out", "type": "Elsa.WriteHttpResponse",
            "statusCode": { "typeName": "HttpStatusCode", "expression": { "type": "Literal", "value": "OK" } },
            "content": { "typeName": "Object", "expression": { "type": "Literal", "value": "done" } } } ],
          "connections": [ { "source": { "activity": "In", "port": "Done" }, "target": { "activity": "Out", "port": "In" } } ] } }
        """;

    private static HttpRequestMessage Request(string method, string url, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = method == "GET" ? null : Body("{}") };
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return request;
    }

    [Fact]
    public async Task SignedInEndpoint_RefusesACookieRequestFromAnotherSite_WhateverTheMethod_AndTakesThisSitesAndNonBrowsers()
    {
        var path = "act-" + Guid.NewGuid().ToString("N")[..6];
        await PublishAsync(SignedInAction("wh-" + Guid.NewGuid().ToString("N")[..8], path));
        var bob = await fixture.ClientAsync("bob");
        // The test server's own origin is http://localhost.
        (string, string)[][] otherSites =
        [
            [("Sec-Fetch-Site", "cross-site")], [("Sec-Fetch-Site", "same-site")], [("Origin", "https://evil.example")],
            [("Origin", "null")], [("Origin", "https://localhost")], [("Origin", "http://localhost:8080")],
        ];
        (string, string)[][] thisSiteOrNoBrowser =
        [
            [], [("Sec-Fetch-Site", "same-origin")], [("Sec-Fetch-Site", "none")], [("Origin", "http://localhost")],
            // Behind a proxy that does not pass the scheme on, Origin differs; the browser's own Sec-Fetch-Site decides.
            [("Sec-Fetch-Site", "same-origin"), ("Origin", "https://localhost")],
        ];
        foreach (var method in new[] { "GET", "POST", "DELETE" })
        {
            foreach (var headers in otherSites)
            {
                var refused = await bob.SendAsync(Request(method, $"/workflows/{path}", headers), Ct);
                Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{method} with {string.Join(", ", headers)}: {(int)refused.StatusCode}");
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
                Assert.Contains("requests from other sites are refused", (await ReadAsync(refused))["detail"]!.GetValue<string>());
            }
            foreach (var headers in thisSiteOrNoBrowser)
            {
                var taken = await bob.SendAsync(Request(method, $"/workflows/{path}", headers), Ct);
                Assert.True(taken.StatusCode == HttpStatusCode.OK, $"{method} with {string.Join(", ", headers)}: {(int)taken.StatusCode}");
            }
        }
        // Without a cookie there is nobody to act as: still a plain 401, not a cross-site refusal.
        var anonymous = await fixture.ClientAsync(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(Request("GET", $"/workflows/{path}", ("Sec-Fetch-Site", "cross-site")), Ct)).StatusCode);
    }

    [Fact]
    public async Task WaitingSignedInEndpoint_RefusesACookieRequestFromAnotherSite_AndKeepsWaiting_WhileAnonymousEndpointsTakeOtherSites()
    {
        var path = "confirm-" + Guid.NewGuid().ToString("N")[..6];
        await PublishAsync(StartThenConfirm("wh-" + Guid.NewGuid().ToString("N")[..8], path, "operate-workflows"));
        var anonymous = await fixture.ClientAsync(null);
        // The anonymous start is a webhook any site may call: the rule is only for endpoints that act as someone.
        var started = await ReadAsync(await anonymous.SendAsync(Request("POST", $"/workflows/{path}/start", ("Sec-Fetch-Site", "cross-site")), Ct));
        Assert.Equal("Suspended", started["subStatus"]!.GetValue<string>());

        var owner = await fixture.ClientAsync("dave");
        var forged = await owner.SendAsync(Request("POST", $"/workflows/{path}/confirm", ("Origin", "https://evil.example")), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains("requests from other sites are refused", (await ReadAsync(forged))["detail"]!.GetValue<string>());
        var instance = await OkAsync(await owner.GetAsync($"/api/instances/{started["workflowInstanceId"]!.GetValue<string>()}", Ct));
        Assert.Equal("Suspended", instance["instance"]!["subStatus"]!.GetValue<string>());

        var confirmed = await owner.SendAsync(Request("POST", $"/workflows/{path}/confirm", ("Origin", "http://localhost")), Ct);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
    }
}
