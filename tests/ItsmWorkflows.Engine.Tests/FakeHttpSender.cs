using ItsmWorkflows.Engine.Activities.Http;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>An HTTP port that answers from a function and records what was sent.</summary>
public sealed class FakeHttpSender(Func<HttpRequestSpec, HttpResponseData> answer) : IHttpRequestSender
{
    public List<HttpRequestSpec> Sent { get; } = [];

    public Task<HttpResponseData> SendAsync(HttpRequestSpec request, CancellationToken cancellationToken)
    {
        Sent.Add(request);
        return Task.FromResult(answer(request));
    }
}
