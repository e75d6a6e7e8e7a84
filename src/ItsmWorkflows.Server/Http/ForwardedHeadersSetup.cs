using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace ItsmWorkflows.Server.Http;

/// <summary>
/// Behind a reverse proxy that ends TLS (nginx, a load balancer), a request arrives over plain HTTP from the proxy's
/// address. The proxy's X-Forwarded-Proto, -Host and -For say what the browser used and who it is; they are believed
/// only from a proxy the server trusts: one on this machine (loopback), or one listed under
/// <c>ForwardedHeaders:KnownProxies</c> (addresses) or <c>ForwardedHeaders:KnownNetworks</c> (CIDR ranges). From anyone
/// else they are ignored, so a caller cannot claim another address or scheme. What depends on them: the sign-in
/// cookie's Secure flag, the other-site check of workflow endpoints (Origin against this server's scheme and host),
/// and the client address an approval decision is audited with.
/// </summary>
internal static class ForwardedHeadersSetup
{
    public const string Section = "ForwardedHeaders";

    public static void AddItsmForwardedHeaders(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(Section);
        // Read now, so a mistyped address stops the server at start-up with the setting named, not at the first request.
        var proxies = Values(section, "KnownProxies").Select(p => IPAddress.TryParse(p, out var address)
            ? address : throw new InvalidOperationException($"{Section}:KnownProxies: '{p}' is not an IP address (a proxy is named by its address, such as 10.0.0.5)."))
            .ToList();
        var networks = Values(section, "KnownNetworks").Select(n => System.Net.IPNetwork.TryParse(n, out var network)
            ? network : throw new InvalidOperationException($"{Section}:KnownNetworks: '{n}' is not a network in CIDR notation (such as 10.0.0.0/8; the address part ends in zeros where the prefix stops, so 10.0.0.5/8 is written 10.0.0.0/8)."))
            .ToList();
        var hosts = Values(section, "AllowedHosts").ToList();
        var limit = section.GetValue("ForwardLimit", 1);
        if (limit < 1) throw new InvalidOperationException($"{Section}:ForwardLimit: {limit} — at least 1 (the number of proxies in front of the server).");
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.ForwardLimit = limit;
            // Loopback stays trusted (ASP.NET Core's default): a proxy on the same machine needs no setting.
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
            // The public host names X-Forwarded-Host may carry (e.g. itsm.example.org); empty: any the proxy sends.
            foreach (var host in hosts) o.AllowedHosts.Add(host);
        });
    }

    /// <summary>A list setting, as a JSON array or indexed keys (KnownProxies__0), or as one value separated by commas.</summary>
    private static IEnumerable<string> Values(IConfigurationSection section, string key)
    {
        var list = section.GetSection(key);
        var values = list.Value is { Length: > 0 } single ? single.Split(',') : list.GetChildren().Select(c => c.Value ?? "");
        return values.Select(v => v.Trim()).Where(v => v.Length > 0);
    }
}
