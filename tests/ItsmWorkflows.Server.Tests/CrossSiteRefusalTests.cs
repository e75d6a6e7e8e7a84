using System.Net;
using Microsoft.AspNetCore.Hosting;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// A page of another site (a sibling subdomain is one: its posts carry the Lax sign-in cookie) cannot make a
/// signed-in person's browser change anything here, whatever the endpoint reads, and cannot watch their live updates.
/// </summary>
public sealed class CrossSiteRefusalTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Definition(string id) => $$"""
        { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Sequence", "id": "S", "activities": [
          { "id": "Say", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "hi" } } } ] } }
        """;

    private static HttpRequestMessage Post(string url, HttpContent? content, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return request;
    }

    [Fact]
    public async Task ChangesSentByAPageOfAnotherSite_AreRefused_AndChangeNothing_WhileThisSiteAndApiClientsGoOn()
    {
        var dave = await fixture.ClientAsync("dave");
        var id = "xsite-" + Guid.NewGuid().ToString("N")[..8];
        // What the reviewer forged: a text/plain body (which a form can send) read as a definition, and bodiless publish/retire.
        (string, string)[][] otherSites = [[("Sec-Fetch-Site", "same-site")], [("Sec-Fetch-Site", "cross-site")], [("Origin", "https://evil.corp.example")], [("Origin", "null")]];
        foreach (var headers in otherSites)
        {
            var refused = await dave.SendAsync(Post("/api/definitions", new StringContent(Definition(id), System.Text.Encoding.UTF8, "text/plain"), headers), Ct);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{string.Join(", ", headers)}: {(int)refused.StatusCode}");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
            Assert.Contains("takes changes only from its own pages", (await ReadAsync(refused))["detail"]!.GetValue<string>());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await dave.GetAsync($"/api/definitions/{id}", Ct)).StatusCode);

        // From this site's pages, and from an API client (no browser headers), the same requests work.
        await OkAsync(await dave.SendAsync(Post("/api/definitions", new StringContent(Definition(id), System.Text.Encoding.UTF8, "application/json"), ("Sec-Fetch-Site", "same-origin")), Ct));
        await OkAsync(await dave.SendAsync(Post($"/api/definitions/{id}/publish", null), Ct));
        var retire = await dave.SendAsync(Post($"/api/definitions/{id}/retire", null, ("Sec-Fetch-Site", "same-site")), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, retire.StatusCode);
        var detail = await OkAsync(await dave.GetAsync($"/api/definitions/{id}", Ct));
        Assert.Equal("Published", detail["version"]!["state"]!.GetValue<string>());
        // Reading is not changing: a page of another site may link here.
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/definitions/{id}");
        read.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.OK, (await dave.SendAsync(read, Ct)).StatusCode);
        // Signing in from another site's form is refused too (it would sign the browser in as someone else).
        var anonymous = await fixture.ClientAsync(null);
        var signIn = await anonymous.SendAsync(Post("/account/login", Body("""{"userName":"dave","password":"x"}"""), ("Origin", "https://evil.corp.example")), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);
    }

    [Fact]
    public async Task LiveUpdates_DoNotConnectForAPageOfAnotherSite()
    {
        var alice = await fixture.ClientAsync("alice");
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/hubs/live/negotiate?negotiateVersion=1");
        negotiate.Headers.Add("Origin", "https://evil.corp.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.SendAsync(negotiate, Ct)).StatusCode);
        // A WebSocket opens with a GET, which the browser sends with the page's origin.
        using var upgrade = new HttpRequestMessage(HttpMethod.Get, "/hubs/live");
        upgrade.Headers.Add("Origin", "https://evil.corp.example");
        upgrade.Headers.Add("Sec-Fetch-Site", "same-site");
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.SendAsync(upgrade, Ct)).StatusCode);
        // This site's page negotiates as before.
        using var own = new HttpRequestMessage(HttpMethod.Post, "/hubs/live/negotiate?negotiateVersion=1");
        own.Headers.Add("Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.OK, (await alice.SendAsync(own, Ct)).StatusCode);
    }

    [Fact]
    public async Task AnIdentityProvidersCallback_PostedFromItsOwnSite_IsNotRefused()
    {
        // OpenID Connect answers by a form its provider posts from the provider's site: refusing it would end every sign-in.
        await using var withOidc = fixture.CreateNode().WithWebHostBuilder(b =>
        {
            b.UseSetting("Authentication:OpenIdConnect:Authority", "https://idp.example.test");
            b.UseSetting("Authentication:OpenIdConnect:ClientId", "itsm");
        });
        var client = withOidc.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var callback = Post("/signin-oidc", new FormUrlEncodedContent(new Dictionary<string, string> { ["state"] = "not-ours", ["code"] = "x" }),
            ("Sec-Fetch-Site", "cross-site"), ("Origin", "https://idp.example.test"));
        var answer = await client.SendAsync(callback, Ct);
        // The OpenID Connect handler took it (and refused its made-up state); the cross-site rule did not.
        Assert.DoesNotContain("takes changes only from its own pages", await answer.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
