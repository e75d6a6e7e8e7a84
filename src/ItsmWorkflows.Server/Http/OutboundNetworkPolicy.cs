using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ItsmWorkflows.Server.Http;

/// <summary>
/// Decides which addresses outbound HTTP may connect to. Refused by default: this host (loopback, unspecified),
/// link-local (where cloud metadata services answer), the other clouds' metadata addresses, and multicast; everything else, private networks
/// included, is reachable, because workflows call the CMDB, the directory and the ticketing system there.
/// </summary>
internal sealed class OutboundNetworkPolicy
{
    public const string AllowSetting = "Http:Outbound:Allow";
    public const string BlockSetting = "Http:Outbound:Block";

    private static readonly (IPNetwork Range, string What)[] BuiltIn =
    [
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("169.254.169.254/32"), "the cloud metadata address"),
        // The metadata services that answer elsewhere: AWS's over IPv6, Alibaba Cloud's, and Azure's platform host.
        (IPNetwork.Parse("fd00:ec2::254/128"), "the cloud metadata address"),
        (IPNetwork.Parse("100.100.100.200/32"), "the cloud metadata address"),
        (IPNetwork.Parse("168.63.129.16/32"), "the cloud platform's host address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        // 0.0.0.0 and :: reach this host on Linux; the rest of 0.0.0.0/8 is "this network", never a server.
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified address"),
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    private readonly IPNetwork[] _allow;
    private readonly IPNetwork[] _block;

    public OutboundNetworkPolicy(IOptions<OutboundHttpOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _allow = ParseAll(options.Value.Allow, AllowSetting);
        _block = ParseAll(options.Value.Block, BlockSetting);
    }

    /// <summary>
    /// Null when <paramref name="address"/> may be reached; otherwise why not, naming <paramref name="host"/>, the
    /// address and the setting that changes it.
    /// </summary>
    public string? Refusal(string host, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        // ::ffff:127.0.0.1 is 127.0.0.1 on a dual-stack socket: judge the IPv4 address it stands for.
        var judged = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (judged.AddressFamily == AddressFamily.InterNetworkV6 && judged.ScopeId != 0) judged = new IPAddress(judged.GetAddressBytes());
        if (_allow.Any(range => range.Contains(judged))) return null;
        var what = BuiltIn.FirstOrDefault(rule => rule.Range.Contains(judged)).What;
        var blocked = what is null && _block.Any(range => range.Contains(judged));
        if (what is null && !blocked) return null;
        // A URL that names the address itself needs no "resolves to".
        var subject = IPAddress.TryParse(host, out _) ? $"{judged} is" : $"{host} resolves to {judged},";
        return blocked
            ? $"{subject} an address in {BlockSetting}, which outbound HTTP may not reach; allow it with {AllowSetting} or remove its range from {BlockSetting}"
            : $"{subject} {what}, which outbound HTTP may not reach; allow it with {AllowSetting}";
    }

    /// <summary>The reason a configured range cannot be used, or null when every one parses (checked at start-up).</summary>
    public static string? Invalid(IEnumerable<string> ranges, string setting)
    {
        foreach (var text in ranges)
        {
            if (!TryParse(text, out _)) return $"{setting}: '{text}' is not an address or a CIDR range such as 10.20.0.0/16 or fd00::/8 (the bits after the prefix must be zero).";
        }
        return null;
    }

    private static IPNetwork[] ParseAll(IEnumerable<string> ranges, string setting) =>
        [.. ranges.Select(text => TryParse(text, out var range) ? range : throw new OptionsValidationException(setting, typeof(OutboundHttpOptions), [Invalid([text], setting)!]))];

    /// <summary>A CIDR range, or a single address (a /32 or /128).</summary>
    private static bool TryParse(string text, out IPNetwork range)
    {
        text = text.Trim();
        if (text.Split('/') is [var baseText, _] && Address(baseText) is { } start && IPNetwork.TryParse(text, out range))
        {
            // 10.1.2.3/8 is refused rather than read as 10.0.0.0/8: whoever wrote it may have meant the one address.
            return range.BaseAddress.Equals(start);
        }
        if (!text.Contains('/', StringComparison.Ordinal) && Address(text) is { } address)
        {
            var single = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            range = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        range = default;
        return false;
    }

    /// <summary>An address written out in full: IPAddress also reads "10" as 0.0.0.10 and "10.1" as 10.0.0.1, never what was meant here.</summary>
    private static IPAddress? Address(string text) =>
        IPAddress.TryParse(text, out var address) && (address.AddressFamily == AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3) ? address : null;
}
