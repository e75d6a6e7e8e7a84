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

    private readonly Uri? _configured;

    public OutboundProxy(IOptions<OutboundHttpOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Value.Proxy;
        if (string.IsNullOrWhiteSpace(configured))
        {
            Proxy = HttpClient.DefaultProxy;
            return;
        }
        _configured = Parse(configured) ?? throw new OptionsValidationException(Setting, typeof(OutboundHttpOptions), [Invalid(configured)!]);
        Proxy = new WebProxy(_configured);
    }

    private OutboundProxy(IWebProxy proxy) => Proxy = proxy;

    /// <summary>No proxy at all, whatever the environment says (for tests of the direct path).</summary>
    public static OutboundProxy None() => new(new NoProxy());

    public IWebProxy Proxy { get; }

    /// <summary>The proxy a request for <paramref name="target"/> goes through, or null when it connects directly.</summary>
    public Uri? For(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (Proxy.IsBypassed(target)) return null;
        var proxy = Proxy.GetProxy(target);
        return proxy is null || proxy == target ? null : proxy;
    }

    /// <summary>
    /// Whether a connection to <paramref name="endpoint"/>, opened for <paramref name="request"/>, is the connection to
    /// its proxy: a request that goes through the proxy at that endpoint, or the tunnel HttpClient opens for an https
    /// request (a CONNECT whose URL is the proxy's own; workflows cannot send CONNECT, <see cref="OutboundRedirects"/> refuses it).
    /// </summary>
    public bool IsProxyConnection(HttpRequestMessage? request, DnsEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (request?.RequestUri is not { } uri) return false;
        if (request.Method == HttpMethod.Connect) return Proxies().Any(p => Same(p, endpoint));
        return For(uri) is { } proxy && Same(proxy, endpoint);
    }

    /// <summary>The proxies in use: the configured one, or the environment's for http and for https targets.</summary>
    private IEnumerable<Uri> Proxies()
    {
        if (_configured is not null) return [_configured];
        return new[] { new Uri("http://proxied.invalid/"), new Uri("https://proxied.invalid/") }.Select(For).OfType<Uri>();
    }

    private static bool Same(Uri proxy, DnsEndPoint endpoint) =>
        string.Equals(proxy.IdnHost, endpoint.Host, StringComparison.OrdinalIgnoreCase) && proxy.Port == endpoint.Port;

    private sealed class NoProxy : IWebProxy
    {
        public ICredentials? Credentials { get; set; }

        public Uri? GetProxy(Uri destination) => null;

        public bool IsBypassed(Uri host) => true;
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
