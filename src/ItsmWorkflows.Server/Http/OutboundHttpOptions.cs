namespace ItsmWorkflows.Server.Http;

/// <summary>Where workflow HTTP requests and linked mail attachments may connect, and how much they may read (section "Http:Outbound").</summary>
internal sealed class OutboundHttpOptions
{
    public const string Section = "Http:Outbound";

    /// <summary>
    /// CIDR ranges (or single addresses) that may be reached even if blocked: by the built-in list (loopback,
    /// link-local, unspecified, multicast) or by <see cref="Block"/>. Empty by default.
    /// </summary>
    public List<string> Allow { get; init; } = [];

    /// <summary>CIDR ranges refused besides the built-in list, e.g. a management network. Private ranges are reachable unless listed here.</summary>
    public List<string> Block { get; init; } = [];

    /// <summary>
    /// A forward proxy every outbound request goes through (http://host:port), e.g. a corporate egress proxy. Empty
    /// means the environment's (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), or none. The proxy itself is trusted, whatever its
    /// address; the target of each request and redirect hop is vetted before it is handed to the proxy.
    /// </summary>
    public string? Proxy { get; set; }

    /// <summary>
    /// Whether a proxied request may name a host this server cannot resolve (the proxy's network may know names this
    /// one does not). Off by default: such a name cannot be vetted, and its owner could answer the proxy with a
    /// refused address; turn it on only if the proxy blocks internal ranges itself.
    /// </summary>
    public bool UnresolvedThroughProxy { get; set; }

    /// <summary>Largest response body a workflow's HTTP request reads; a larger one faults the activity.</summary>
    public int MaxResponseBytes { get; set; } = 5 * 1024 * 1024;
}
