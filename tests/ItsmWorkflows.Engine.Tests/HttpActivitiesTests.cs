using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Http;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class HttpActivitiesTests
{
    private sealed class FakeHttpSender(Func<HttpRequestSpec, HttpResponseData> respond) : IHttpRequestSender
    {
        public List<HttpRequestSpec> Requests { get; } = [];

        public Task<HttpResponseData> SendAsync(HttpRequestSpec request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(respond(request));
        }
    }

    private static HttpResponseData Respond(int status, string? json = null) =>
        new(status, new Dictionary<string, string> { ["X-Trace"] = "t1" }, json, json is null ? null : "application/json");

    private static string Endpoint(bool trigger) =>
        Activity("Http1", "Elsa.HttpEndpoint", Literal("path", "alerts/disk") + """, "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } }""" + (trigger ? """, "canStartWorkflow": true""" : ""));

    private static string Response() =>
        Activity("Respond1", "Elsa.WriteHttpResponse", Literal("statusCode", "Created") + "," + Js("content", "({ host: getParsedContentFromHttp1().host })"));

    private static JsonObject Request(string host) => new() { ["method"] = "POST", ["path"] = "/alerts/disk", ["body"] = $$"""{ "host": "{{host}}" }""" };

    [Fact]
    public async Task HttpEndpoint_AsTrigger_HandleHttpStartsInstanceAndWritesResponse()
    {
        var h = new EngineHarness();
        var definition = h.Load(Flowchart(Endpoint(trigger: true) + "," + Response(), Connect("Http1", "Respond1")));

        var results = await h.Runtime.HandleHttpAsync("POST", "/alerts/disk/", Request("srv1"), [definition], TestContext.Current.CancellationToken);

        var result = Assert.Single(results);
        Assert.Equal(WorkflowStatus.Finished, result.State.Status);
        Assert.Equal(201, result.HttpResponse!.StatusCode);
        Assert.Equal("srv1", result.HttpResponse.Content!["host"]!.GetValue<string>());
        Assert.Equal("application/json", result.HttpResponse.ContentType);
    }

    [Fact]
    public async Task HttpEndpoint_OtherMethod_StartsNothing()
    {
        var h = new EngineHarness();
        var definition = h.Load(Flowchart(Endpoint(trigger: true) + "," + Response(), Connect("Http1", "Respond1")));

        Assert.Empty(await h.Runtime.HandleHttpAsync("GET", "/alerts/disk", Request("srv1"), [definition], TestContext.Current.CancellationToken));
        Assert.Empty(h.Instances.All);
    }

    [Fact]
    public async Task HttpEndpoint_InstanceWaiting_HandleHttpResumesIt()
    {
        var h = new EngineHarness();
        var definition = h.Load(Flowchart(
            string.Join(",", Activity("Start1", "Elsa.Start"), Endpoint(trigger: false), Response()),
            string.Join(",", Connect("Start1", "Http1"), Connect("Http1", "Respond1"))));
        var started = await h.Runtime.StartAsync(definition.DefinitionId, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(WorkflowSubStatus.Suspended, started.State.SubStatus);

        var result = Assert.Single(await h.Runtime.HandleHttpAsync("POST", "/alerts/disk", Request("srv2"), [definition], TestContext.Current.CancellationToken));

        Assert.Equal(started.State.InstanceId, result.State.InstanceId);
        Assert.Equal(WorkflowStatus.Finished, result.State.Status);
        Assert.Equal("srv2", result.HttpResponse!.Content!["host"]!.GetValue<string>());
        Assert.Single(h.Instances.All);
    }

    private static string FlowRequest() => Flowchart(
        string.Join(",",
            Activity("Send1", "Elsa.FlowSendHttpRequest", Literal("url", "https://cmdb.example/api/ci/7") + """, "expectedStatusCodes": [200, 404]"""),
            WriteLineJs("Ok", "'ok ' + getStatusCodeFromSend1() + ' ' + getParsedContentFromSend1().name"),
            WriteLine("NotFound", "not found"),
            WriteLine("Unmatched", "unmatched"),
            WriteLine("Failed", "failed to connect")),
        string.Join(",", Connect("Send1", "Ok", "200"), Connect("Send1", "NotFound", "404"), Connect("Send1", "Unmatched", "Unmatched status code"), Connect("Send1", "Failed", "Failed to connect")));

    [Theory]
    [InlineData(200, "ok 200 web01")]
    [InlineData(404, "not found")]
    [InlineData(500, "unmatched")]
    public async Task FlowSendHttpRequest_StatusCode_FollowsMatchingOutcome(int status, string expected)
    {
        var sender = new FakeHttpSender(_ => Respond(status, """{ "name": "web01" }"""));
        var h = new EngineHarness(sender);

        var state = await h.StartAsync(FlowRequest());

        Assert.Equal([expected], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal("https://cmdb.example/api/ci/7", Assert.Single(sender.Requests).Url.ToString());
    }

    [Fact]
    public async Task FlowSendHttpRequest_ConnectionFails_FollowsFailedToConnect()
    {
        var h = new EngineHarness(new FakeHttpSender(_ => throw new HttpRequestException("connection refused")));

        await h.StartAsync(FlowRequest());

        Assert.Equal(["failed to connect"], h.Output.Lines);
    }

    [Fact]
    public async Task FlowSendHttpRequest_PolicyRefusesTheAddress_FaultsInsteadOfFailedToConnect()
    {
        var h = new EngineHarness(new FakeHttpSender(_ => throw new OutboundHttpPolicyException("cmdb.example resolves to 127.0.0.1, a loopback address")));

        var state = await h.StartAsync(FlowRequest());

        Assert.Empty(h.Output.Lines);
        Assert.Equal(WorkflowSubStatus.Faulted, state.SubStatus);
        Assert.Equal("HTTP request to https://cmdb.example/api/ci/7 refused: cmdb.example resolves to 127.0.0.1, a loopback address", Assert.Single(state.Incidents).Message);
    }

    [Fact]
    public async Task SendHttpRequest_Response_RecordsStatusCodeAndContent()
    {
        var sender = new FakeHttpSender(_ => Respond(201, """{ "id": 12 }"""));
        var h = new EngineHarness(sender);

        await h.StartAsync(Flowchart(
            Activity("Send1", "Elsa.SendHttpRequest", Literal("url", "https://itsm.example/api/tickets") + "," + Literal("method", "POST") + "," + Js("content", "({ title: 'Disk full' })"))
                + "," + WriteLineJs("After", "getStatusCodeFromSend1() + ':' + getParsedContentFromSend1().id"),
            Connect("Send1", "After")));

        Assert.Equal(["201:12"], h.Output.Lines);
        var request = Assert.Single(sender.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("Disk full", JsonNode.Parse(request.Content!)!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendHttpRequest_ConnectionFails_Faults()
    {
        var h = new EngineHarness(new FakeHttpSender(_ => throw new HttpRequestException("connection refused")));

        var state = await h.StartAsync(Flowchart(Activity("Send1", "Elsa.SendHttpRequest", Literal("url", "https://itsm.example/api"))));

        Assert.Contains("connection refused", Assert.Single(state.Incidents).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendHttpRequest_NoSenderConfigured_FaultsWithClearMessage()
    {
        var h = new EngineHarness();

        var state = await h.StartAsync(Flowchart(Activity("Send1", "Elsa.SendHttpRequest", Literal("url", "https://itsm.example/api"))));

        Assert.Equal("No HTTP client is configured in this host, so HTTP requests cannot be sent.", Assert.Single(state.Incidents).Message);
        Assert.Equal(WorkflowSubStatus.Faulted, state.SubStatus);
    }
}
