using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// Outbound HTTP through a forward proxy: the proxy (on loopback here) is reached although loopback is refused, and
/// the target of every request and redirect hop is vetted before the proxy is asked for it.
/// </summary>
public sealed class OutboundProxyTests(SqliteProxiedFixture fixture) : IClassFixture<SqliteProxiedFixture>
{
    [Fact]
    public async Task SendHttpRequest_ToAReachableAddress_GoesThroughTheProxy()
    {
        fixture.Proxy.Answer(200, "Content-Type: text/plain", "from the proxy"u8.ToArray());

        var started = await HttpWorkflows.FetchAsync(fixture, "http://10.9.8.7/cmdb/ci?name=mail");

        Assert.Equal("Finished", started["instance"]!["status"]!.GetValue<string>());
        Assert.StartsWith("GET http://10.9.8.7/cmdb/ci?name=mail HTTP/1.1", fixture.Proxy.LastRequestHead, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/security-credentials/", "169.254.169.254 is the cloud metadata address")]
    [InlineData("http://[::1]:8080/admin", "::1 is a loopback address")]
    [InlineData("http://[::ffff:127.0.0.1]/admin", "127.0.0.1 is a loopback address")]
    [InlineData("http://localhost:8080/admin", "localhost resolves to")]
    // A trailing dot makes the address a name to this server; the proxy drops it.
    [InlineData("http://169.254.169.254./latest/meta-data/", "169.254.169.254 is the cloud metadata address")]
    [InlineData("http://LOCALHOST./admin", "localhost resolves to")]
    public async Task SendHttpRequest_ToARefusedTarget_IsRefusedBeforeTheProxyIsAsked(string url, string reason)
    {
        var before = fixture.Proxy.Requests;

        var message = HttpWorkflows.Incident(await HttpWorkflows.FetchAsync(fixture, url));

        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.Contains("which outbound HTTP may not reach; allow it with Http:Outbound:Allow", message, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Proxy.Requests);
    }

    [Fact]
    public async Task SendHttpRequest_RedirectedToARefusedAddress_RefusesTheHopWithoutAskingTheProxy()
    {
        fixture.Proxy.Answer(302, "Location: http://127.0.0.2:9/secret", []);
        try
        {
            var before = fixture.Proxy.Requests;

            var message = HttpWorkflows.Incident(await HttpWorkflows.FetchAsync(fixture, "http://10.9.8.7/moved"));

            Assert.Contains("refused: 127.0.0.2 is a loopback address", message, StringComparison.Ordinal);
            Assert.Equal(before + 1, fixture.Proxy.Requests);
            Assert.StartsWith("GET http://10.9.8.7/moved HTTP/1.1", fixture.Proxy.LastRequestHead, StringComparison.Ordinal);
        }
        finally
        {
            fixture.Proxy.Answer(200, "Content-Type: text/plain", "from the proxy"u8.ToArray());
        }
    }
    [Fact]
    public async Task SendHttpRequest_ToANameThisServerCannotResolve_IsRefusedBeforeTheProxyIsAsked()
    {
        var before = fixture.Proxy.Requests;

        var message = HttpWorkflows.Incident(await HttpWorkflows.FetchAsync(fixture, "http://cmdb.nowhere.invalid/ci"));

        Assert.Contains("cmdb.nowhere.invalid cannot be resolved here", message, StringComparison.Ordinal);
        Assert.Contains("Http:Outbound:UnresolvedThroughProxy", message, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Proxy.Requests);
    }

    [Fact]
    public async Task SendHttpRequest_OverHttps_OpensItsTunnelThroughTheLoopbackProxy()
    {
        fixture.Proxy.Answer(200, "Content-Type: text/plain", "from the proxy"u8.ToArray());

        // POST: not retried, so the failed handshake with the canned proxy ends the call at once.
        var message = HttpWorkflows.Incident(await HttpWorkflows.FetchAsync(fixture, "https://10.9.8.7/cmdb", method: "POST"));

        Assert.StartsWith("CONNECT 10.9.8.7:443 HTTP/1.1", fixture.Proxy.LastRequestHead, StringComparison.Ordinal);
        Assert.DoesNotContain("loopback", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendHttpRequest_WithItsOwnHostHeader_ReachesTheProxyWithTheUrlsHost()
    {
        fixture.Proxy.Answer(200, "Content-Type: text/plain", "from the proxy"u8.ToArray());

        var started = await HttpWorkflows.FetchAsync(fixture, "http://10.9.8.7/cmdb", headersScript: "({ Host: '169.254.169.254', 'X-Trace': 'on' })");

        Assert.Equal("Finished", started["instance"]!["status"]!.GetValue<string>());
        Assert.Contains("Host: 10.9.8.7", fixture.Proxy.LastRequestHead, StringComparison.Ordinal);
        Assert.Contains("X-Trace: on", fixture.Proxy.LastRequestHead, StringComparison.Ordinal);
        Assert.DoesNotContain("169.254.169.254", fixture.Proxy.LastRequestHead, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendHttpRequest_WithTheConnectMethod_IsRefused()
    {
        var before = fixture.Proxy.Requests;

        var message = HttpWorkflows.Incident(await HttpWorkflows.FetchAsync(fixture, fixture.Proxy.Url("/"), method: "CONNECT"));

        Assert.Contains("CONNECT to 127.0.0.1 is not a request outbound HTTP sends", message, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Proxy.Requests);
    }
}
