using System.Net;
using Microsoft.Extensions.Options;

namespace ItsmWorkflows.Server.Http;

/// <summary>
/// Which forward proxy, if any, outbound HTTP goes through: the one named by Http:Outbound:Proxy, else the
/// environment's (HTTP_PROXY, HTTPS_PROXY, NO_PROXY). The handler, the redirect step and the connector ask the
/// same object, so they agree on which connections are to the proxy.
/// </summary>
internal sealed class OutboundProxy
{
    public const string Setting = "Http:Outbound:Proxy";

    public OutboundProxy(IOptions<OutboundHttpOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Value.Proxy;
        Proxy = string.IsNullOrWhiteSpace(configured) ? HttpClient.DefaultProxy : new WebProxy(Parse(configured) ?? throw new OptionsValidationException(Setting, typeof(OutboundHttpOptions), [Invalid(configured)!]));
    }

    public IWebProxy Proxy { get; }

    /// <summary>The proxy a request for <paramref name="target"/> goes through, or null when it connects directly.</summary>
    public Uri? For(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (Proxy.IsBypassed(target)) return null;
        var proxy = Proxy.GetProxy(target);
        return proxy is null || proxy == target ? null : proxy;
    }

    /// <summary>Whether a connection to <paramref name="endpoint"/>, opened for <paramref name="request"/>, is the connection to its proxy.</summary>
    public bool IsProxyConnection(Uri? request, DnsEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return request is not null && For(request) is { } proxy
            && string.Equals(proxy.IdnHost, endpoint.Host, StringComparison.OrdinalIgnoreCase) && proxy.Port == endpoint.Port;
    }

    /// <summary>Why the configured value cannot be used, or null (checked at start-up).</summary>
    public static string? Invalid(string? configured) =>
        string.IsNullOrWhiteSpace(configured) || Parse(configured) is not null
            ? null
            : $"{Setting}: '{configured}' is not a proxy address such as http://proxy.example.org:3128.";

    private static Uri? Parse(string text) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query)
            ? uri
            : null;
}
