using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>SendHttpRequest goes out through the server's real HttpClient to a real HTTP listener on loopback.</summary>
public sealed class OutboundHttpTests : IClassFixture<SqliteServerFixture>, IDisposable
{
    private readonly HttpListener _listener;
    private readonly int _port;
    private int _calls;

    public OutboundHttpTests(SqliteServerFixture fixture) : this(fixture, StartListener(out var port), port)
    {
    }

    private OutboundHttpTests(SqliteServerFixture fixture, HttpListener listener, int port)
    {
        this.fixture = fixture;
        _listener = listener;
        _port = port;
    }

    private readonly SqliteServerFixture fixture;

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

    public void Dispose()
    {
        if (_listener.IsListening) _listener.Stop();
        _listener.Close();
    }
}
