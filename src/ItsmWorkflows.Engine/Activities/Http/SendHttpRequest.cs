using System.Globalization;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Expressions;

namespace ItsmWorkflows.Engine.Activities.Http;

/// <summary>
/// Sends an HTTP request through the host's <see cref="IHttpRequestSender"/> and records the response.
/// SendHttpRequest completes with Done (and faults on connection failure); FlowSendHttpRequest follows
/// an outcome per expected status code, "Unmatched status code", "Failed to connect" or "Timeout".
/// Both fault when the host's outbound policy refuses the address or the response's size.
/// </summary>
public class SendHttpRequest : IActivity
{
    public const string Unmatched = "Unmatched status code";
    public const string FailedToConnect = "Failed to connect";
    public const string TimedOut = "Timeout";

    private readonly bool _flow;

    public SendHttpRequest() : this("Elsa.SendHttpRequest", "HTTP Request", false) { }

    protected SendHttpRequest(string typeName, string displayName, bool flow)
    {
        _flow = flow;
        Descriptor = new ActivityDescriptor
        {
            TypeName = typeName,
            Category = "HTTP",
            DisplayName = displayName,
            Description = flow
                ? "Sends an HTTP request and follows the outcome of the response's status code."
                : "Sends an HTTP request and records the response.",
            Inputs =
            [
                new InputDescriptor("url", "Uri", "singleline") { IsRequired = true, DisplayName = "URL" },
                new InputDescriptor("method", "String", "dropdown") { Options = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"], DefaultValue = JsonValue.Create("GET") },
                new InputDescriptor("content", "Object", "multiline"),
                new InputDescriptor("contentType", "String", "dropdown") { Options = ["application/json", "text/plain", "application/x-www-form-urlencoded"], DisplayName = "Content type" },
                new InputDescriptor("authorization", "String", "singleline") { Description = "Value of the Authorization header. Prefer a variable filled from a secret store over a literal." },
                new InputDescriptor("requestHeaders", "HttpRequestHeaders", "json-editor") { DisplayName = "Headers" },
                new InputDescriptor("expectedStatusCodes", "List<Int32>", "dynamic-outcomes") { IsWrapped = !flow, DisplayName = "Expected status codes", Description = "Each becomes an outcome port." },
            ],
            Outputs =
            [
                new OutputDescriptor("result", "HttpResponse") { DisplayName = "Response" },
                new OutputDescriptor("parsedContent", "Object") { DisplayName = "Parsed content" },
                new OutputDescriptor("statusCode", "Int32") { DisplayName = "Status code" },
                new OutputDescriptor("responseHeaders", "IDictionary<String, Object>") { DisplayName = "Response headers" },
            ],
            Outcomes = flow ? [Unmatched, FailedToConnect, TimedOut] : ["Done"],
            DynamicOutcomesFrom = flow ? "expectedStatusCodes" : null,
        };
    }

    public ActivityDescriptor Descriptor { get; }

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var sender = context.Services.Http;
        if (sender is null) return ActivityResult.Fault("No HTTP client is configured in this host, so HTTP requests cannot be sent.");
        var urlText = context.GetString("url");
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return ActivityResult.Fault($"'{urlText}' is not an absolute http(s) URL.");
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (ValueConverter.Convert(context.Get("requestHeaders"), "Object") is JsonObject h)
        {
            foreach (var pair in h) headers[pair.Key] = ValueConverter.ToText(pair.Value) ?? "";
        }
        var content = context.Get("content");
        var contentText = content is JsonObject or JsonArray ? content.ToJsonString() : ValueConverter.ToText(content);
        var contentType = context.GetString("contentType") ?? (content is JsonObject or JsonArray ? "application/json" : null);
        var request = new HttpRequestSpec(url, (context.GetString("method") ?? "GET").ToUpperInvariant(), contentText, contentType, context.GetString("authorization"), headers);

        HttpResponseData response;
        try
        {
            response = await sender.SendAsync(request, cancellationToken);
        }
        catch (OutboundHttpPolicyException ex)
        {
            // A fault even in the flow variant: "Failed to connect" invites a retry loop that the policy refuses every time.
            return ActivityResult.Fault($"HTTP request to {url} refused: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            return _flow ? ActivityResult.Outcome(FailedToConnect) : ActivityResult.Fault($"HTTP request to {url} failed: {ex.Message}");
        }
        catch (TimeoutException ex)
        {
            return _flow ? ActivityResult.Outcome(TimedOut) : ActivityResult.Fault($"HTTP request to {url} timed out: {ex.Message}");
        }

        var responseHeaders = new JsonObject();
        foreach (var pair in response.Headers) responseHeaders[pair.Key] = pair.Value;
        JsonNode? parsed = response.Content;
        if (response.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && !string.IsNullOrWhiteSpace(response.Content))
        {
            try { parsed = JsonNode.Parse(response.Content); }
            catch (System.Text.Json.JsonException) { parsed = response.Content; }
        }
        context.SetOutput("statusCode", response.StatusCode);
        context.SetOutput("responseHeaders", responseHeaders);
        context.SetOutput("parsedContent", parsed);
        context.SetOutput("result", new JsonObject
        {
            ["statusCode"] = response.StatusCode,
            ["headers"] = responseHeaders.DeepClone(),
            ["content"] = response.Content,
            ["contentType"] = response.ContentType,
        });
        if (!_flow) return ActivityResult.Done;
        var expected = ValueConverter.ToStringList(context.Get("expectedStatusCodes"));
        var code = response.StatusCode.ToString(CultureInfo.InvariantCulture);
        return ActivityResult.Outcome(expected.Contains(code) ? code : Unmatched);
    }
}
