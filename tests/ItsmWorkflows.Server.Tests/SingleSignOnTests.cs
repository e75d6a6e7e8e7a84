using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// Single sign-on end to end against an OpenID Connect provider on a loopback port: the sign-in page's link, the
/// provider's form_post answer from its own site, the ID token's signature and nonce checked by the server, and a
/// session of this server for the person it names (found by email, or added as a requester on a first visit).
/// </summary>
public sealed class SingleSignOnTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private static async Task<(HttpClient Browser, HttpResponseMessage Done)> SignOnAsync(FakeOpenIdProvider provider, WebApplicationFactory<Program> node)
    {
        // https, as a real deployment: the handler's correlation and nonce cookies are Secure.
        var browser = node.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true });
        var page = await (await browser.GetAsync("/signin", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("href=\"/account/sso\"", page, StringComparison.Ordinal);
        var challenge = await browser.GetAsync("/account/sso", Ct);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.StartsWith(provider.Authority + "/authorize", challenge.Headers.Location!.ToString(), StringComparison.Ordinal);

        using var idp = new HttpClient();
        var answer = JsonNode.Parse(await idp.GetStringAsync(challenge.Headers.Location, Ct))!;
        Assert.Equal("form_post", answer["response_mode"]!.GetValue<string>());
        // The provider's page posts the answer back from its own site.
        using var post = new HttpRequestMessage(HttpMethod.Post, answer["redirect_uri"]!.GetValue<string>())
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = answer["code"]!.GetValue<string>(), ["state"] = answer["state"]!.GetValue<string>() }),
        };
        post.Headers.Add("Origin", provider.Authority);
        post.Headers.Add("Sec-Fetch-Site", "cross-site");
        var checkedAnswer = await browser.SendAsync(post, Ct);
        Assert.True(checkedAnswer.StatusCode == HttpStatusCode.Redirect, $"{(int)checkedAnswer.StatusCode}: {await checkedAnswer.Content.ReadAsStringAsync(Ct)}");
        var done = await browser.GetAsync(checkedAnswer.Headers.Location, Ct);
        return (browser, done);
    }

    private WebApplicationFactory<Program> NodeFor(FakeOpenIdProvider provider) => fixture.CreateNode().WithWebHostBuilder(b =>
    {
        b.UseSetting("Authentication:OpenIdConnect:Authority", provider.Authority);
        b.UseSetting("Authentication:OpenIdConnect:ClientId", "itsm");
        b.UseSetting("Authentication:OpenIdConnect:ClientSecret", "itsm-secret");
        b.UseSetting("Authentication:OpenIdConnect:RequireHttpsMetadata", "false");
    });

    [Fact]
    public async Task AKnownPerson_SignsOnByEmail_AndANewOne_IsAddedAsARequester()
    {
        await using var provider = await FakeOpenIdProvider.StartAsync();
        await using var node = NodeFor(provider);

        // Alice is in the directory: the provider's email finds her, whatever user name it has for her.
        provider.Person["sub"] = "idp-alice";
        provider.Person["email"] = "alice@example.test";
        provider.Person["preferred_username"] = "alice.requester@corp";
        provider.Person["name"] = "Alice R.";
        var (alice, done) = await SignOnAsync(provider, node);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/", done.Headers.Location!.ToString());
        var me = await OkAsync(await alice.GetAsync("/account/me", Ct));
        Assert.Equal("alice", me["userName"]!.GetValue<string>());

        // Someone new: added as a requester, named as the provider names them.
        var userName = "new" + Guid.NewGuid().ToString("N")[..6];
        provider.Person["sub"] = "idp-" + userName;
        provider.Person["email"] = userName + "@corp.example";
        provider.Person["preferred_username"] = userName;
        provider.Person["name"] = "New Starter";
        var (starter, _) = await SignOnAsync(provider, node);
        me = await OkAsync(await starter.GetAsync("/account/me", Ct));
        Assert.Equal((userName, "New Starter"), (me["userName"]!.GetValue<string>(), me["displayName"]!.GetValue<string>()));
        Assert.Equal(["requester"], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));

        // Linked by the provider's subject: her address changing at the provider still finds her.
        provider.Person["sub"] = "idp-alice";
        provider.Person["email"] = "alice.new@corp.example";
        provider.Person["preferred_username"] = "someone-else";
        var (again, _) = await SignOnAsync(provider, node);
        Assert.Equal("alice", (await OkAsync(await again.GetAsync("/account/me", Ct)))["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnAddressTheProviderHasNotVerified_DoesNotFindAnAccount()
    {
        await using var provider = await FakeOpenIdProvider.StartAsync();
        await using var node = NodeFor(provider);
        // Someone registered at the provider with carol's address, unverified: not carol.
        var userName = "claimer" + Guid.NewGuid().ToString("N")[..6];
        provider.Person["sub"] = "idp-" + userName;
        provider.Person["email"] = "carol@example.test";
        provider.Person["email_verified"] = false;
        provider.Person["preferred_username"] = userName;
        var (claimer, _) = await SignOnAsync(provider, node);
        var me = await OkAsync(await claimer.GetAsync("/account/me", Ct));
        Assert.Equal(userName, me["userName"]!.GetValue<string>());
        Assert.Equal(["requester"], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Null(me["email"]); // nor does the new account keep the unverified address

        // Carol, verified, still finds her own account by it.
        provider.Person["sub"] = "idp-carol";
        provider.Person["email_verified"] = true;
        provider.Person["preferred_username"] = "carol.m";
        var (carol, _) = await SignOnAsync(provider, node);
        Assert.Equal("carol", (await OkAsync(await carol.GetAsync("/account/me", Ct)))["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task WithoutSingleSignOnSetUp_TheStartIsAClearNotFound()
    {
        var client = await fixture.ClientAsync(null);
        var answer = await client.GetAsync("/account/sso", Ct);
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Contains("Single sign-on is not set up", (await ReadAsync(answer))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
