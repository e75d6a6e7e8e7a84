namespace ItsmWorkflows.Engine.Activities.Http;

/// <summary>Port: sends an outbound HTTP request for SendHttpRequest. The host implements it (HttpClient with timeouts and retries).</summary>
public interface IHttpRequestSender
{
    /// <summary>
    /// Sends the request. Connection failures and timeouts throw <see cref="HttpRequestException"/> or <see cref="TimeoutException"/>;
    /// an address or a response the host's policy refuses throws <see cref="OutboundHttpPolicyException"/>.
    /// </summary>
    Task<HttpResponseData> SendAsync(HttpRequestSpec request, CancellationToken cancellationToken);
}
