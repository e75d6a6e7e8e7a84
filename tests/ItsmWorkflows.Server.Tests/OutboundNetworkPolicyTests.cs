using System.Net;
using ItsmWorkflows.Server.Http;
using Microsoft.Extensions.Options;
using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Which addresses outbound HTTP may reach, by default and as configured.</summary>
public sealed class OutboundNetworkPolicyTests
{
    private static OutboundNetworkPolicy Policy(string[]? allow = null, string[]? block = null) =>
        new(Options.Create(new OutboundHttpOptions { Allow = [.. allow ?? []], Block = [.. block ?? []] }));

    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("127.8.9.10", "a loopback address")]
    [InlineData("::1", "a loopback address")]
    [InlineData("::ffff:127.0.0.1", "a loopback address", "127.0.0.1")]
    [InlineData("169.254.169.254", "the cloud metadata address")]
    [InlineData("::ffff:169.254.169.254", "the cloud metadata address", "169.254.169.254")]
    [InlineData("169.254.10.1", "a link-local address")]
    [InlineData("fd00:ec2::254", "the cloud metadata address")]
    [InlineData("100.100.100.200", "the cloud metadata address")]
    [InlineData("168.63.129.16", "the cloud platform's host address")]
    [InlineData("fe80::1", "a link-local address")]
    [InlineData("0.0.0.0", "an unspecified address")]
    [InlineData("::", "an unspecified address")]
    [InlineData("224.0.0.251", "a multicast address")]
    [InlineData("ff02::1", "a multicast address")]
    public void Refusal_Default_RefusesThisHostLinkLocalAndMulticast(string address, string what, string? shown = null)
    {
        var refusal = Policy().Refusal("cmdb.corp", IPAddress.Parse(address));

        Assert.NotNull(refusal);
        Assert.StartsWith($"cmdb.corp resolves to {shown ?? address}, {what}, which outbound HTTP may not reach", refusal, StringComparison.Ordinal);
        Assert.EndsWith("allow it with Http:Outbound:Allow", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.5")]
    [InlineData("192.168.1.20")]
    [InlineData("fd12:3456::7")]
    [InlineData("93.184.216.34")]
    [InlineData("2606:4700::1111")]
    public void Refusal_Default_AllowsPrivateAndPublicNetworks(string address) =>
        Assert.Null(Policy().Refusal("cmdb.corp", IPAddress.Parse(address)));

    [Fact]
    public void Refusal_AllowedRange_OverridesTheDefaults()
    {
        var policy = Policy(allow: ["127.0.0.1/32", "fe80::/64"]);

        Assert.Null(policy.Refusal("localhost", IPAddress.Parse("127.0.0.1")));
        Assert.Null(policy.Refusal("localhost", IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.Null(policy.Refusal("router", IPAddress.Parse("fe80::1%2")));
        Assert.NotNull(policy.Refusal("localhost", IPAddress.Parse("127.0.0.2")));
        Assert.NotNull(policy.Refusal("localhost", IPAddress.Parse("::1")));
    }

    [Fact]
    public void Refusal_BlockedRange_RefusesUnlessAllowed()
    {
        var policy = Policy(allow: ["10.9.0.7"], block: ["10.9.0.0/16"]);

        Assert.Equal(
            "mgmt.corp resolves to 10.9.3.4, an address in Http:Outbound:Block, which outbound HTTP may not reach; allow it with Http:Outbound:Allow or remove its range from Http:Outbound:Block",
            policy.Refusal("mgmt.corp", IPAddress.Parse("10.9.3.4")));
        Assert.Null(policy.Refusal("cmdb.corp", IPAddress.Parse("10.9.0.7")));
        Assert.Null(policy.Refusal("other.corp", IPAddress.Parse("10.10.0.1")));
    }

    [Fact]
    public void Refusal_UrlNamesTheAddress_SaysWhatItIs()
    {
        Assert.Equal(
            "169.254.169.254 is the cloud metadata address, which outbound HTTP may not reach; allow it with Http:Outbound:Allow",
            Policy().Refusal("169.254.169.254", IPAddress.Parse("169.254.169.254")));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.1.2.3/8")]
    [InlineData("cmdb.corp")]
    [InlineData("10")]
    [InlineData("10.1/16")]
    public void Invalid_NotARange_NamesTheSettingAndTheEntry(string entry)
    {
        Assert.Contains($"Http:Outbound:Block: '{entry}'", OutboundNetworkPolicy.Invalid([entry], OutboundNetworkPolicy.BlockSetting), StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => Policy(block: [entry]));
    }
}
