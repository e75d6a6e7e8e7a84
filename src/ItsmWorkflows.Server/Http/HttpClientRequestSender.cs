using System.Net.Http.Headers;
using ItsmWorkflows.Engine.Activities.Http;
using Microsoft.Extensions.Options;

namespace ItsmWorkflows.Server.Http;

/// <summary>
/// The engine's HTTP port on HttpClient with the standard resilience pipeline: a timeout per attempt and
/// for the whole call, retries with back-off for GET, HEAD and OPTIONS on transient failures (never for
/// POST, PUT, PATCH or DELETE, which may have done their work before the failure), and a circuit breaker.
/// Connections go only where the outbound network policy allows, and the body is read up to a cap.
/// </summary>
internal sealed class HttpClientRequestSender(IHttpClientFactory clients, IOptions<OutboundHttpOptions> options) : IHttpRequestSender
{
    public const string ClientName = "workflow-http";

    public async Task<HttpResponseData> SendAsync(HttpRequestSpec request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
        if (request.Content is not null)
        {
            message.Content = new StringContent(request.Content);
            if (request.ContentType is not null) message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
        }
        if (!string.IsNullOrEmpty(request.Authorization)) message.Headers.TryAddWithoutValidation("Authorization", request.Authorization);
        foreach (var pair in request.Headers) message.Headers.TryAddWithoutValidation(pair.Key, pair.Value);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(message, cancellationToken);
            var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
            var content = await response.Content.ReadAsStringAsync(cancellationToken);
            return new HttpResponseData((int)response.StatusCode, headers, content, response.Content.Headers.ContentType?.MediaType);
        }
        catch (HttpRequestException ex) when (OutboundHttpSetup.IsRefusal(ex))
        {
            throw new OutboundHttpPolicyException(ex.GetBaseException().Message, ex);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            throw new OutboundHttpPolicyException($"the response from {request.Url.Host} is larger than the {options.Value.MaxResponseBytes} bytes outbound HTTP may read; raise Http:Outbound:MaxResponseBytes to take it ({ex.Message})", ex);
        }
        catch (Polly.Timeout.TimeoutRejectedException ex)
        {
            throw new TimeoutException($"No answer from {request.Url.Host} in time.", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No answer from {request.Url.Host} in time.", ex);
        }
    }
}
