using System.Net;
using System.Net.Http.Headers;
using ItsmWorkflows.Server.Http;
using Microsoft.Extensions.Options;
using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>The redirect rules outbound HTTP follows now that it follows redirects itself (HttpClient's own rules).</summary>
public sealed class OutboundRedirectsTests
{
    private static HttpClient Client()
    {
        var options = Options.Create(new OutboundHttpOptions());
        return new HttpClient(new OutboundRedirects(OutboundProxy.None(), new OutboundNetworkPolicy(options), options)
        {
            InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false },
        });
    }

    [Theory]
    [InlineData(301, "POST", "GET")]
    [InlineData(302, "POST", "GET")]
    [InlineData(302, "PUT", "PUT")]
    [InlineData(303, "PUT", "GET")]
    [InlineData(307, "POST", "POST")]
    [InlineData(308, "PUT", "PUT")]
    public async Task Redirect_ChangesTheMethodAsHttpClientDoes_AndDropsTheAuthorization(int status, string method, string followedWith)
    {
        await using var target = new CannedHttpServer(IPAddress.Loopback, 200, "Content-Type: text/plain", "done"u8.ToArray());
        await using var moved = new CannedHttpServer(IPAddress.Loopback, status, $"Location: {target.Url("/target")}", []);
        using var client = Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), moved.Url("/start")) { Content = new StringContent("x") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Authorization: Bearer s3cret", moved.LastRequestHead, StringComparison.Ordinal);
        Assert.StartsWith($"{followedWith} /target HTTP/1.1", target.LastRequestHead, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorization", target.LastRequestHead, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(followedWith != "GET", target.LastRequestHead!.Contains("Content-Length: 1", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Redirect_ToAnotherOrigin_TakesOnlyThePlainHeaders()
    {
        // An API key the workflow wrote for the first host is not handed to whatever host its redirect names.
        await using var target = new CannedHttpServer(IPAddress.Loopback, 200, "Content-Type: text/plain", "done"u8.ToArray());
        await using var moved = new CannedHttpServer(IPAddress.Loopback, 302, $"Location: {target.Url("/target")}", []);
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, moved.Url("/start"));
        request.Headers.Add("X-Api-Key", "k3y");
        request.Headers.Add("Cookie", "session=abc");
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("X-Api-Key: k3y", moved.LastRequestHead, StringComparison.Ordinal);
        Assert.DoesNotContain("k3y", target.LastRequestHead, StringComparison.Ordinal);
        Assert.DoesNotContain("session=abc", target.LastRequestHead, StringComparison.Ordinal);
        Assert.Contains("Accept: application/json", target.LastRequestHead, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirect_OfAChunkedPost_BecomesAGetWithoutTheChunking()
    {
        await using var target = new CannedHttpServer(IPAddress.Loopback, 200, "Content-Type: text/plain", "done"u8.ToArray());
        await using var moved = new CannedHttpServer(IPAddress.Loopback, 302, $"Location: {target.Url("/target")}", []);
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, moved.Url("/start")) { Content = new StringContent("x") };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("GET /target HTTP/1.1", target.LastRequestHead, StringComparison.Ordinal);
        Assert.DoesNotContain("Transfer-Encoding", target.LastRequestHead, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Redirect_ToARelativeLocation_StaysOnTheHost_AndStopsAfterFiftyHops()
    {
        await using var loop = new CannedHttpServer(IPAddress.Loopback, 302, "Location: /again", []);
        using var client = Client();

        using var response = await client.GetAsync(loop.Url("/start"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(OutboundRedirects.MaxHops + 1, loop.Requests);
        Assert.StartsWith("GET /again HTTP/1.1", loop.LastRequestHead, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("proxy.example.org:3128", false)]
    [InlineData("http://proxy.example.org:3128/some/path", false)]
    [InlineData("ftp://proxy.example.org", false)]
    [InlineData("http://proxy.example.org:3128", true)]
    [InlineData("", true)]
    public void ProxySetting_IsAProxyAddressOrNothing(string configured, bool valid)
    {
        var reason = OutboundProxy.Invalid(configured);

        Assert.Equal(valid, reason is null);
        if (!valid) Assert.Contains("Http:Outbound:Proxy", reason, StringComparison.Ordinal);
    }
}
