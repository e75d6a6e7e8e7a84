using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Runtime;
using ItsmWorkflows.Server.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>How the API answers a failure that is nobody's fault and passes: 503 with a hint to try again, nothing internal.</summary>
public sealed class ProblemExceptionHandlerTests
{
    [Fact]
    public async Task ADatabaseThatStayedUnavailable_Is503_WithRetryAfter_AndNoInternals()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var handler = new ProblemExceptionHandler(services.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>(), NullLogger<ProblemExceptionHandler>.Instance);
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = "POST";
        http.Request.Path = "/api/requests";
        http.Request.Headers.Accept = "application/json";
        http.Response.Body = new MemoryStream();
        var failure = new TransientStoreException("Activity 'Received' could not reach a service it needs: 57P01: terminating connection due to administrator command",
            new InvalidOperationException("Npgsql internals"));

        Assert.True(await handler.TryHandleAsync(http, failure, TestContext.Current.CancellationToken));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("5", http.Response.Headers.RetryAfter.ToString());
        http.Response.Body.Position = 0;
        var problem = JsonNode.Parse(await new StreamReader(http.Response.Body).ReadToEndAsync(TestContext.Current.CancellationToken))!;
        Assert.Contains("Try again", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("57P01", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", problem.ToJsonString(), StringComparison.Ordinal);
    }
}
