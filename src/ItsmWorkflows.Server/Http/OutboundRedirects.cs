using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using ItsmWorkflows.Engine.Activities.Http;
using Microsoft.Extensions.Options;

namespace ItsmWorkflows.Server.Http;

/// <summary>
/// Follows redirects for outbound HTTP itself (the primary handler's own following is off) so that every hop passes
/// through here, and vets the target of a hop that goes through a forward proxy before the proxy sees it: the
/// connector can only vet the address it connects to, which for a proxied request is the proxy's.
/// Follows HttpClient's rules: up to 50 hops; 301, 302 and 300 turn a POST into a GET, 303 turns anything but
/// GET and HEAD into a GET; 307 and 308 repeat the method and body; never from https to http; the Authorization
/// header is not carried to the next hop.
/// </summary>
internal sealed class OutboundRedirects(OutboundProxy proxy, OutboundNetworkPolicy policy, IOptions<OutboundHttpOptions> options) : DelegatingHandler
{
    public const int MaxHops = 50;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A CONNECT would open a tunnel, and one to the proxy's own address is not vetted (it is how https goes through it).
        if (request.Method == HttpMethod.Connect) throw Refused($"CONNECT to {request.RequestUri?.Host} is not a request outbound HTTP sends");
        for (var hop = 0; ; hop++)
        {
            await VetProxiedTargetAsync(request, cancellationToken);
            var response = await base.SendAsync(request, cancellationToken);
            if (hop == MaxHops || Next(request.RequestUri!, response) is not { } next) return response;
            response.Dispose();
            if (MustBecomeGet(response.StatusCode, request.Method))
            {
                request.Method = HttpMethod.Get;
                request.Content = null;
                request.Headers.TransferEncodingChunked = false;
            }
            request.Headers.Authorization = null;
            if (!SameOrigin(request.RequestUri!, next)) KeepOnlyPlainHeaders(request.Headers);
            request.RequestUri = next;
        }
    }

    /// <summary>Headers that say nothing about who is asking; any other (an API key in X-Api-Key, a cookie) stays with the origin it was written for.</summary>
    private static readonly HashSet<string> PlainHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language", "Cache-Control", "Pragma", "User-Agent",
    };

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    /// <summary>A redirect to another origin takes none of the headers the workflow set for the first one but the plain ones (HttpClient drops only Authorization).</summary>
    private static void KeepOnlyPlainHeaders(HttpRequestHeaders headers)
    {
        foreach (var name in headers.Select(h => h.Key).Where(n => !PlainHeaders.Contains(n)).ToList()) headers.Remove(name);
    }

    /// <summary>Where a redirect response sends the request next, or null when it is not one to follow.</summary>
    private static Uri? Next(Uri current, HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.MultipleChoices or HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect)) return null;
        if (response.Headers.Location is not { } location) return null;
        var next = location.IsAbsoluteUri ? location : new Uri(current, location);
        if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps) return null;
        // A downgrade from https to http is not followed: the 3xx is the answer.
        if (current.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp) return null;
        // The fragment of the original request carries over when the new location has none.
        if (string.IsNullOrEmpty(next.Fragment) && !string.IsNullOrEmpty(current.Fragment)) next = new UriBuilder(next) { Fragment = current.Fragment[1..] }.Uri;
        return next;
    }

    private static bool MustBecomeGet(HttpStatusCode status, HttpMethod method) => status switch
    {
        HttpStatusCode.MultipleChoices or HttpStatusCode.MovedPermanently or HttpStatusCode.Found => method == HttpMethod.Post,
        HttpStatusCode.SeeOther => method != HttpMethod.Get && method != HttpMethod.Head,
        _ => false,
    };

    /// <summary>
    /// A request handed to a proxy is vetted here, by the same policy the connector applies to direct connections:
    /// an address in the URL is judged as it stands; a name is resolved, and refused if any of its addresses is
    /// (the proxy, not this server, picks which one it connects to), or if it cannot be resolved here (unless
    /// Http:Outbound:UnresolvedThroughProxy says the proxy's network may know it). A Host header of the workflow's
    /// own is dropped: a proxy that routes by it would not go where the URL says.
    /// </summary>
    private async Task VetProxiedTargetAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.RequestUri!;
        if (proxy.For(target) is null) return;
        request.Headers.Host = null;
        // "169.254.169.254." is a name to Uri and an address to the proxy, which drops the trailing dot.
        var host = target.IdnHost.Trim('[', ']').TrimEnd('.');
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal)) addresses = [literal];
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            }
            catch (SocketException ex)
            {
                if (options.Value.UnresolvedThroughProxy) return;
                throw Refused($"{host} cannot be resolved here ({ex.SocketErrorCode}), so it cannot be vetted before the proxy is asked for it; set Http:Outbound:UnresolvedThroughProxy if the proxy's network knows it and blocks internal ranges itself");
            }
        }
        foreach (var address in addresses)
        {
            if (policy.Refusal(host, address) is { } reason) throw Refused(reason);
        }
    }

    /// <summary>A refusal as the connector's arrive: wrapped as the handler's failure, never retried.</summary>
    private static HttpRequestException Refused(string reason) => new(HttpRequestError.Unknown, reason, new OutboundHttpPolicyException(reason));
}
