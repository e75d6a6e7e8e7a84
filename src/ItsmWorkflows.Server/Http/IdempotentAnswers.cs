using System.Text.Json;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Http.Features;

namespace ItsmWorkflows.Server.Http;

/// <summary>The answer to a request with an Idempotency-Key: recorded as it goes out the first time, and replayed to its repeats.</summary>
internal static class IdempotentAnswers
{
    /// <summary>Said on every replayed answer, so a sender (and whoever reads its logs) can tell a repeat from a first run.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Headers that belong to one response, not to the answer: not recorded, so never replayed.</summary>
    private static readonly HashSet<string> PerResponse = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-Length", "Transfer-Encoding", "Date", "Server", "Set-Cookie", ReplayedHeader,
    };

    /// <summary>Sends <paramref name="answer"/> and records what went out (status, its own headers, body) for the repeats.</summary>
    public static IResult Recorded(IResult answer, IdempotencyClaim claim, WebhookIdempotency store) => new RecordingResult(answer, claim, store);

    public static IResult Replayed(WebhookIdempotencyRecord row) => new ReplayedResult(row);

    private sealed class RecordingResult(IResult answer, IdempotencyClaim claim, WebhookIdempotency store) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            // The headers set before this answer (by the pipeline) are not the answer's; what it adds or changes is.
            var before = response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var sending = httpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
            using var buffer = new MemoryStream();
            var capture = new StreamResponseBodyFeature(buffer, sending);
            httpContext.Features.Set<IHttpResponseBodyFeature>(capture);
            try
            {
                await answer.ExecuteAsync(httpContext);
                await capture.CompleteAsync();
            }
            finally
            {
                httpContext.Features.Set(sending);
            }
            var headers = response.Headers
                .Where(h => !PerResponse.Contains(h.Key) && (!before.TryGetValue(h.Key, out var was) || !string.Equals(was, h.Value.ToString(), StringComparison.Ordinal)))
                .ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
            try
            {
                // Recorded before it is sent: a repeat that arrives the moment the sender has the answer finds it.
                await store.CompleteAsync(claim, response.StatusCode, response.ContentType, headers, body, CancellationToken.None);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or Microsoft.EntityFrameworkCore.DbUpdateException or InvalidOperationException or TimeoutException)
            {
                // Not recorded (the database away): the claim lapses, and the repeat after it is answered from the instance.
                store.NotRecorded(ex);
            }
            await response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }

    private sealed class ReplayedResult(WebhookIdempotencyRecord row) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = row.StatusCode ?? StatusCodes.Status200OK;
            var headers = row.Headers is { } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [] : [];
            foreach (var pair in headers) response.Headers[pair.Key] = pair.Value;
            response.Headers[ReplayedHeader] = "true";
            // An answer over the stored size comes back as its status and headers: the body was not kept.
            if (row.BodyOmitted || row.Body is not { Length: > 0 } body) return;
            if (row.ContentType is { } contentType) response.ContentType = contentType;
            await response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
