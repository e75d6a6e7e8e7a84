namespace ItsmWorkflows.Engine.Activities.Http;

/// <summary>An outbound request as the activity describes it.</summary>
public sealed record HttpRequestSpec(Uri Url, string Method, string? Content, string? ContentType, string? Authorization, IReadOnlyDictionary<string, string> Headers);
