using System.Net;
using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>The default outbound policy, end to end: a workflow cannot reach this host or the cloud metadata address.</summary>
public sealed class OutboundHttpPolicyTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task SendHttpRequest_ToLoopback_FaultsNamingTheAddressAndTheSetting_AndNothingIsReached()
    {
        await using var service = new CannedHttpServer(IPAddress.Loopback, 200, "Content-Type: text/plain", "internal"u8.ToArray());
        var url = service.Url("/admin");

        var message = HttpWorkflows.Incident(await HttpWorkflows.FetchAsync(fixture, url));

        Assert.Contains($"HTTP request to {url} refused: 127.0.0.1 is a loopback address, which outbound HTTP may not reach; allow it with Http:Outbound:Allow", message, StringComparison.Ordinal);
        Assert.Equal(0, service.Requests);
    }

    [Fact]
    public async Task SendHttpRequest_ToAHostNameResolvingToLoopback_Faults()
    {
        await using var service = new CannedHttpServer(IPAddress.Loopback, 200, "Content-Type: text/plain", "internal"u8.ToArray());
        var url = service.Url("/admin").Replace("127.0.0.1", "localhost", StringComparison.Ordinal);

        var message = HttpWorkflows.Incident(await HttpWorkflows.FetchAsync(fixture, url));

        Assert.Contains("localhost resolves to", message, StringComparison.Ordinal);
        Assert.Contains("a loopback address, which outbound HTTP may not reach; allow it with Http:Outbound:Allow", message, StringComparison.Ordinal);
        Assert.Equal(0, service.Requests);
    }

    [Fact]
    public async Task SendHttpRequest_ToTheCloudMetadataAddress_Faults()
    {
        var message = HttpWorkflows.Incident(await HttpWorkflows.FetchAsync(fixture, "http://169.254.169.254/latest/meta-data/iam/security-credentials/"));

        Assert.Contains("refused: 169.254.169.254 is the cloud metadata address, which outbound HTTP may not reach; allow it with Http:Outbound:Allow", message, StringComparison.Ordinal);
    }
}
