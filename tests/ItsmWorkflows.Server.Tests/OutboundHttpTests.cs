using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>SendHttpRequest goes out through the server's real HttpClient to a real HTTP listener on 127.0.0.1, which the fixture allows.</summary>
public sealed class OutboundHttpTests : IClassFixture<SqliteLoopbackAllowedFixture>, IDisposable
{
    private readonly HttpListener _listener;
    private readonly int _port;
    private int _calls;

    public OutboundHttpTests(SqliteLoopbackAllowedFixture fixture) : this(fixture, StartListener(out var port), port)
    {
    }

    private OutboundHttpTests(SqliteLoopbackAllowedFixture fixture, HttpListener listener, int port)
    {
        this.fixture = fixture;
        _listener = listener;
        _port = port;
    }

    private readonly SqliteLoopbackAllowedFixture fixture;

    private static HttpListener StartListener(out int port)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        return listener;
    }

    private async Task ServeAsync(int status, string body)
    {
        var context = await _listener.GetContextAsync();
        Interlocked.Increment(ref _calls);
        using var reader = new StreamReader(context.Request.InputStream);
        var received = await reader.ReadToEndAsync();
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(body.Replace("$received", received, StringComparison.Ordinal));
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    [Fact]
    public async Task FlowSendHttpRequest_CallsTheService_AndFollowsItsStatusCode()
    {
        var client = await fixture.ClientAsync("dave");
        var id = "out-" + Guid.NewGuid().ToString("N")[..8];
        var json = $$"""
            { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Call", "type": "Elsa.FlowSendHttpRequest", "expectedStatusCodes": [201],
                "url": { "typeName": "Uri", "expression": { "type": "Literal", "value": "http://127.0.0.1:{{_port}}/cmdb/items" } },
                "method": { "typeName": "String", "expression": { "type": "Literal", "value": "POST" } },
                "content": { "typeName": "Object", "expression": { "type": "JavaScript", "value": "({ name: 'laptop' })" } } },
              { "id": "Created", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "JavaScript", "value": "'created ' + getParsedContentFromCall().id" } } } ],
              "connections": [ { "source": { "activity": "Call", "port": "201" }, "target": { "activity": "Created", "port": "In" } } ] } }
            """;
        await OkAsync(await client.PostAsync("/api/definitions/import?publish=true", Body(json), Ct));
        var serving = ServeAsync(201, """{ "id": "CI-7", "echo": $received }""");
        var started = await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
        await serving;
        Assert.Equal("Finished", started["instance"]!["subStatus"]!.GetValue<string>());
        Assert.Equal("created CI-7", started["instance"]!["name"]!.GetValue<string>());
        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task SendHttpRequest_ToANonexistentService_RecordsAnIncident()
    {
        var client = await fixture.ClientAsync("dave");
        var id = "out-" + Guid.NewGuid().ToString("N")[..8];
        _listener.Stop();
        var json = $$"""
            { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Call", "type": "Elsa.SendHttpRequest",
                "url": { "typeName": "Uri", "expression": { "type": "Literal", "value": "http://127.0.0.1:{{_port}}/gone" } },
                "method": { "typeName": "String", "expression": { "type": "Literal", "value": "POST" } } } ], "connections": [] } }
            """;
        await OkAsync(await client.PostAsync("/api/definitions/import?publish=true", Body(json), Ct));
        var started = await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
        Assert.Equal("Faulted", started["instance"]!["subStatus"]!.GetValue<string>());
        Assert.Contains("failed", started["incidents"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendHttpRequest_RedirectedToARefusedAddress_FaultsWithoutRetrying()
    {
        await using var internalService = new CannedHttpServer(IPAddress.Parse("127.0.0.2"), 200, "Content-Type: text/plain", "secret"u8.ToArray());
        await using var allowed = new CannedHttpServer(IPAddress.Loopback, 302, $"Location: {internalService.Url("/secret")}", []);

        var message = HttpWorkflows.Incident(await HttpWorkflows.FetchAsync(fixture, allowed.Url("/moved")));

        Assert.Contains("refused: 127.0.0.2 is a loopback address, which outbound HTTP may not reach; allow it with Http:Outbound:Allow", message, StringComparison.Ordinal);
        Assert.Equal(0, internalService.Requests);
        // A GET is retried on transient failures; a refusal is not one.
        Assert.Equal(1, allowed.Requests);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SendHttpRequest_ResponseOverTheDefaultCap_FaultsWithTheLimit(bool declaresLength)
    {
        var body = Encoding.ASCII.GetBytes(new string('x', 5 * 1024 * 1024 + 1));
        await using var service = new CannedHttpServer(IPAddress.Loopback, 200, "Content-Type: text/plain" + (declaresLength ? $"\r\nContent-Length: {body.Length}" : ""), body);

        var message = HttpWorkflows.Incident(await HttpWorkflows.FetchAsync(fixture, service.Url("/export")));

        Assert.Contains("refused: the response from 127.0.0.1 is larger than the 5242880 bytes outbound HTTP may read; raise Http:Outbound:MaxResponseBytes to take it", message, StringComparison.Ordinal);
        Assert.Equal(1, service.Requests);
    }

    public void Dispose()
    {
        if (_listener.IsListening) _listener.Stop();
        _listener.Close();
    }
}
