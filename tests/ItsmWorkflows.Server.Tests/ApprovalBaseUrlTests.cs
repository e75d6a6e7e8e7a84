using ItsmWorkflows.Server.Api;
using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Where email links point without Approvals:BaseUrl: the address the server was told to listen on.</summary>
public sealed class ApprovalBaseUrlTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5277", "http://127.0.0.1:5277")]
    [InlineData("https://localhost:7001;http://localhost:5277", "http://localhost:5277")]
    [InlineData("http://+:8080", "http://localhost:8080")]
    [InlineData("http://*:8080", "http://localhost:8080")]
    [InlineData("http://0.0.0.0:8080", "http://localhost:8080")]
    [InlineData("http://[::]:8080", "http://localhost:8080")]
    [InlineData("http://itsm.example.org", "http://itsm.example.org")]
    public void TheFirstHttpAddress_WildcardsReadAsLocalhost(string urls, string expected) =>
        Assert.Equal(expected, PublicAddress.FromUrls(urls));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not an address")]
    public void NoUsableAddress_LeavesTheDefault(string? urls) => Assert.Null(PublicAddress.FromUrls(urls));
}
