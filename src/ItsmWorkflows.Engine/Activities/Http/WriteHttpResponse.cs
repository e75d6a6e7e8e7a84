using System.Net;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution.Effects;
using ItsmWorkflows.Engine.Expressions;

namespace ItsmWorkflows.Engine.Activities.Http;

/// <summary>Answers the HTTP request that started or resumed the instance.</summary>
public sealed class WriteHttpResponse : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.WriteHttpResponse",
        Category = "HTTP",
        DisplayName = "HTTP Response",
        Description = "Writes the response to the request that started or resumed the workflow.",
        Inputs =
        [
            new InputDescriptor("statusCode", "HttpStatusCode", "dropdown") { DefaultValue = JsonValue.Create("OK"), DisplayName = "Status code", Options = ["OK", "Created", "Accepted", "NoContent", "BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict", "InternalServerError"] },
            new InputDescriptor("content", "Object", "multiline"),
            new InputDescriptor("contentType", "String", "dropdown") { Options = ["text/plain", "application/json", "text/html"], DisplayName = "Content type" },
            new InputDescriptor("responseHeaders", "HttpResponseHeaders", "json-editor") { DisplayName = "Headers" },
        ],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var statusText = context.GetString("statusCode") ?? "OK";
        int status;
        if (int.TryParse(statusText, out var numeric)) status = numeric;
        else if (Enum.TryParse<HttpStatusCode>(statusText, true, out var named)) status = (int)named;
        else return ValueTask.FromResult(ActivityResult.Fault($"'{statusText}' is not an HTTP status code."));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (ValueConverter.Convert(context.Get("responseHeaders"), "Object") is JsonObject h)
        {
            foreach (var pair in h) headers[pair.Key] = ValueConverter.ToText(pair.Value) ?? "";
        }
        var content = context.Get("content")?.DeepClone();
        var contentType = context.GetString("contentType");
        if (string.IsNullOrEmpty(contentType)) contentType = content is JsonObject or JsonArray ? "application/json" : "text/plain";
        context.AddEffect(new HttpResponseEffect(status, content, contentType, headers));
        return ValueTask.FromResult(ActivityResult.Done);
    }
}
