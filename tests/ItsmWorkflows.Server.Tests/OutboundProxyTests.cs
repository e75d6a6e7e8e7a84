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
}
