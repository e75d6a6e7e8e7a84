namespace ItsmWorkflows.Engine.Activities.Http;

/// <summary>A received response: status, headers and the body as text.</summary>
public sealed record HttpResponseData(int StatusCode, IReadOnlyDictionary<string, string> Headers, string? Content, string? ContentType);
