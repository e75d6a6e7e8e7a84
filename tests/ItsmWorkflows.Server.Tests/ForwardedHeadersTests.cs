using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Behind a reverse proxy that ends TLS: its X-Forwarded-* headers count when it is trusted, and only then.</summary>
public sealed class ForwardedHeadersTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private const string Public = "https://itsm.example.org";

    private WebApplicationFactory<Program> Node(string peer, params (string Key, string Value)[] settings) => PeerAddress.Node(fixture, peer, settings);

    private static async Task<HttpClient> SignInAsync(WebApplicationFactory<Program> node, string userName)
    {
        var client = node.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        (await client.PostAsJsonAsync("/account/demo-sign-in", new { userName }, Ct)).EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>A POST from the public site's own page, passed on by the proxy (or, without <paramref name="proxied"/>, as it reached the proxy).</summary>
    private static HttpRequestMessage FromThePublicSite(string path, bool proxied)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Body("{}") };
        request.Headers.Add("Origin", Public);
        if (proxied)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-Host", "itsm.example.org");
            request.Headers.Add("X-Forwarded-For", "198.51.100.23");
        }
        return request;
    }

    private static async Task<string> PublishSignedInEndpointAsync(HttpClient owner)
    {
        var path = "fwd-" + Guid.NewGuid().ToString("N")[..6];
        var json = $$"""
            { "definitionId": "{{path}}", "name": "{{path}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "In", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
                "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}" } },
                "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } },
                "authorize": { "typeName": "Boolean", "expression": { "type": "Literal", "value": true } } },
              { "id": "Out", "type": "Elsa.WriteHttpResponse",
                "statusCode": { "typeName": "HttpStatusCode", "expression": { "type": "Literal", "value": "OK" } },
                "content": { "typeName": "Object", "expression": { "type": "Literal", "value": "done" } } } ],
              "connections": [ { "source": { "activity": "In", "port": "Done" }, "target": { "activity": "Out", "port": "In" } } ] } }
            """;
        await OkAsync(await owner.PostAsync("/api/definitions/import?publish=true", Body(json), Ct));
        return "/workflows/" + path;
    }

    [Fact]
    public async Task AProxyOnThisMachine_IsBelieved_TheBrowsersHttpsOriginIsThisSite_AndTheCookieIsSecure()
    {
        await using var node = Node("127.0.0.1");
        var dave = await SignInAsync(node, "dave");
        var path = await PublishSignedInEndpointAsync(dave);

        Assert.Equal(HttpStatusCode.OK, (await dave.SendAsync(FromThePublicSite(path, proxied: true), Ct)).StatusCode);
        // Without the proxy's word the server is plain http://localhost, and https://itsm.example.org another site.
        Assert.Equal(HttpStatusCode.Forbidden, (await dave.SendAsync(FromThePublicSite(path, proxied: false), Ct)).StatusCode);

        var signIn = new HttpRequestMessage(HttpMethod.Post, "/account/demo-sign-in") { Content = JsonContent.Create(new { userName = "alice" }) };
        signIn.Headers.Add("X-Forwarded-Proto", "https");
        var cookie = (await node.CreateClient().SendAsync(signIn, Ct)).Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("itsm.auth=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>How a node whose requests come from <paramref name="peer"/> answers the public site's proxied POST to a signed-in endpoint.</summary>
    private async Task<HttpStatusCode> ProxiedPostAsync(string peer, params (string Key, string Value)[] settings)
    {
        await using var node = Node(peer, settings);
        var dave = await SignInAsync(node, "dave");
        var path = await PublishSignedInEndpointAsync(dave);
        return (await dave.SendAsync(FromThePublicSite(path, proxied: true), Ct)).StatusCode;
    }

    [Fact]
    public async Task AnyoneElse_CannotClaimASchemeOrHost_UnlessListedAsAProxy()
    {
        Assert.Equal(HttpStatusCode.Forbidden, await ProxiedPostAsync("203.0.113.9"));
        Assert.Equal(HttpStatusCode.OK, await ProxiedPostAsync("203.0.113.9", ("ForwardedHeaders:KnownProxies:0", "203.0.113.9")));
        Assert.Equal(HttpStatusCode.OK, await ProxiedPostAsync("203.0.113.9", ("ForwardedHeaders:KnownProxies", "10.0.0.5, 203.0.113.9"))); // one value, comma-separated
        Assert.Equal(HttpStatusCode.OK, await ProxiedPostAsync("203.0.113.9", ("ForwardedHeaders:KnownNetworks:0", "203.0.113.0/24")));
    }

    [Fact]
    public async Task WithAllowedHostsSet_AForwardedHostOutsideThem_IsNotBelieved()
    {
        Assert.Equal(HttpStatusCode.Forbidden, await ProxiedPostAsync("127.0.0.1", ("ForwardedHeaders:AllowedHosts:0", "other.example.org")));
        Assert.Equal(HttpStatusCode.OK, await ProxiedPostAsync("127.0.0.1", ("ForwardedHeaders:AllowedHosts:0", "itsm.example.org")));
    }

    [Fact]
    public void AMistypedProxyAddress_StopsTheServerAtStartUp_NamingTheSetting()
    {
        using var node = Node("127.0.0.1", ("ForwardedHeaders:KnownProxies:0", "10.0.0.300"));
        var error = Assert.ThrowsAny<Exception>(() => node.Server);
        Assert.Contains("ForwardedHeaders:KnownProxies: '10.0.0.300' is not an IP address", error.GetBaseException().Message, StringComparison.Ordinal);
    }
}
