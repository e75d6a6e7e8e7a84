using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Expressions;

namespace ItsmWorkflows.Engine.Activities.Http;

/// <summary>
/// An inbound HTTP route (served by the host under /workflows/{path}). As a trigger it starts the
/// workflow; inside a running workflow it waits for a request. The request becomes its outputs.
/// </summary>
public sealed class HttpEndpoint : IActivity
{
    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Elsa.HttpEndpoint",
        Category = "HTTP",
        DisplayName = "HTTP Endpoint",
        Description = "Starts or resumes the workflow when a request arrives at the path (for example a monitoring alert webhook).",
        Inputs =
        [
            new InputDescriptor("path", "String", "singleline") { IsRequired = true, Description = "Route under /workflows/, e.g. alerts/{source}." },
            new InputDescriptor("supportedMethods", "List<String>", "check-list") { Options = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"], DefaultValue = new JsonArray("GET"), DisplayName = "Methods" },
            new InputDescriptor("authorize", "Boolean", "checkbox") { Description = "Require an authenticated caller." },
            new InputDescriptor("policy", "String", "singleline") { Description = "Authorization policy the caller must satisfy." },
            new InputDescriptor("requestTimeout", "TimeSpan", "timespan"),
            new InputDescriptor("requestSizeLimit", "Int64", "singleline"),
        ],
        Outputs =
        [
            new OutputDescriptor("parsedContent", "Object") { DisplayName = "Parsed content" },
            new OutputDescriptor("routeData", "IDictionary<String, Object>") { DisplayName = "Route data" },
            new OutputDescriptor("queryStringData", "IDictionary<String, Object>") { DisplayName = "Query string" },
            new OutputDescriptor("headers", "IDictionary<String, Object>"),
            new OutputDescriptor("result", "HttpRequest") { DisplayName = "Request" },
        ],
        Kind = ActivityKind.Trigger,
        IsBlocking = true,
    };

    /// <summary>The stimulus of a route: method and normalised path. Route parameters are matched by the host, which resolves the template first.</summary>
    public static string Stimulus(string method, string path) => method.ToUpperInvariant() + ":" + NormalizePath(path);

    public static string NormalizePath(string path) => "/" + path.Trim().Trim('/').ToLowerInvariant();

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (context.IsTriggeredStart)
        {
            Apply(context, context.TriggerPayload);
            return ValueTask.FromResult(ActivityResult.Done);
        }
        var path = context.GetString("path");
        if (string.IsNullOrWhiteSpace(path)) return ValueTask.FromResult(ActivityResult.Fault("HTTP Endpoint has no path."));
        var methods = context.GetStringList("supportedMethods");
        if (methods.Count == 0) methods = ["GET"];
        // Who may resume it travels with the bookmark: the host checks it before a request reaches the instance.
        var authorize = context.GetBool("authorize");
        var policy = context.GetString("policy");
        var bookmarks = methods.Select(m => context.CreateBookmark(Stimulus(m, path), new JsonObject
        {
            ["method"] = m.ToUpperInvariant(),
            ["path"] = NormalizePath(path),
            ["authorize"] = authorize,
            ["policy"] = string.IsNullOrWhiteSpace(policy) ? null : policy.Trim(),
        })).ToArray();
        return ValueTask.FromResult(ActivityResult.Suspend(bookmarks));
    }

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken)
    {
        Apply(context, stimulus.Payload);
        return ValueTask.FromResult(ActivityResult.Done);
    }

    /// <summary>The request payload the host passes: {method, path, routeData, queryStringData, headers, body}.</summary>
    private static void Apply(ActivityContext context, JsonNode? request)
    {
        var body = request?["body"];
        var parsed = body is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? ValueConverter.Convert(v, "Object") : body;
        context.SetOutput("parsedContent", parsed?.DeepClone());
        context.SetOutput("routeData", request?["routeData"]?.DeepClone() ?? new JsonObject());
        context.SetOutput("queryStringData", request?["queryStringData"]?.DeepClone() ?? new JsonObject());
        context.SetOutput("headers", request?["headers"]?.DeepClone() ?? new JsonObject());
        context.SetOutput("result", request?.DeepClone());
    }
}
