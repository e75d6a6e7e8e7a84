using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Http;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Execution.Effects;
using ItsmWorkflows.Engine.Runtime;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>Activities that talk to the outside: events, tasks, child workflows, HTTP in and out.</summary>
public sealed class IntegrationActivityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Write(string id, string text) => Activity(id, "Elsa.WriteLine", Literal("text", text));

    private static string WithId(string json, string definitionId) => json.Replace("\"definitionId\": \"test\"", $"\"definitionId\": \"{definitionId}\"").Replace("\"id\": \"test-v1\"", $"\"id\": \"{definitionId}-v1\"");

    [Fact]
    public async Task Event_ResumesByNameAndCorrelationId_WithThePayloadAsResult()
    {
        var h = new EngineHarness();
        var definition = h.Load(Flowchart(
            Activity("E", "Elsa.Event", Literal("eventName", "approved") + """, "result": { "typeName": "Object", "memoryReference": { "id": "v1" } } """) + "," + Activity("W", "Elsa.WriteLine", Js("text", "'by ' + getDecision().by", "String")),
            Connect("E", "W"), """{ "id": "v1", "name": "Decision", "typeName": "Object" }"""));
        var a = (await h.Runtime.StartAsync(definition.DefinitionId, new StartOptions { CorrelationId = "CHG-1" }, Ct)).State;
        var b = (await h.Runtime.StartAsync(definition.DefinitionId, new StartOptions { CorrelationId = "CHG-2" }, Ct)).State;
        var resumed = await h.Runtime.TriggerEventAsync("approved", "CHG-2", new JsonObject { ["by"] = "carol" }, Ct);
        Assert.Equal(b.InstanceId, Assert.Single(resumed).State.InstanceId);
        Assert.Equal(["by carol"], h.Output.Lines);
        Assert.Equal(WorkflowSubStatus.Suspended, (await h.Instances.FindAsync(a.InstanceId, Ct))!.Value.State.SubStatus);
        Assert.Single(await h.Runtime.TriggerEventAsync("approved", null, new JsonObject { ["by"] = "dave" }, Ct));
        Assert.Empty(await h.Runtime.TriggerEventAsync("approved", null, null, Ct));
    }

    [Fact]
    public async Task PublishEvent_ResumesAnotherInstance()
    {
        var h = new EngineHarness();
        var waiter = h.Load(WithId(Flowchart(Activity("E", "Elsa.Event", Literal("eventName", "go")) + "," + Write("W", "woken"), Connect("E", "W")), "waiter"));
        var publisher = h.Load(WithId(Flowchart(Activity("P", "Elsa.PublishEvent", Literal("eventName", "go"))), "publisher"));
        await h.Runtime.StartAsync(waiter.DefinitionId, cancellationToken: Ct);
        var result = await h.Runtime.StartAsync(publisher.DefinitionId, cancellationToken: Ct);
        Assert.IsType<PublishEventEffect>(Assert.Single(result.Effects));
        Assert.Equal(["woken"], h.Output.Lines);
    }

    [Fact]
    public async Task RunTask_WaitsForTheTaskResult()
    {
        var h = new EngineHarness();
        var definition = h.Load(Flowchart(Activity("T", "Elsa.RunTask", Literal("taskName", "provision-laptop")) + "," + Activity("W", "Elsa.WriteLine", Js("text", "'serial ' + getResultFromT().serial", "String")), Connect("T", "W")));
        await h.Runtime.StartAsync(definition.DefinitionId, cancellationToken: Ct);
        Assert.True(h.Runtime.RequestedTasks.TryDequeue(out var task));
        Assert.Equal("provision-laptop", task!.TaskName);
        await h.Runtime.CompleteTaskAsync(task.TaskId, new JsonObject { ["serial"] = "SN-1" }, Ct);
        Assert.Equal(["serial SN-1"], h.Output.Lines);
        Assert.Null(await h.Runtime.CompleteTaskAsync(task.TaskId, null, Ct));
    }

    [Fact]
    public async Task DispatchWorkflow_RunsTheChildInTheBackground_AndTheParentWaits()
    {
        var h = new EngineHarness();
        h.Load(WithId(Flowchart(Write("C", "child ran") + "," + Activity("O", "Elsa.SetOutput", Literal("outputName", "Answer") + "," + Literal("outputValue", "42", "Object")), Connect("C", "O"), outputs: """{ "name": "Answer", "type": "String" }"""), "child"));
        var parent = h.Load(WithId(Flowchart(
            Activity("D", "Elsa.DispatchWorkflow", Literal("workflowDefinitionId", "child") + "," + Literal("waitForCompletion", "true", "Boolean")) + "," + Activity("W", "Elsa.WriteLine", Js("text", "'answer ' + getResultFromD().output.Answer", "String")),
            Connect("D", "W")), "parent"));
        var state = (await h.Runtime.StartAsync(parent.DefinitionId, cancellationToken: Ct)).State;
        Assert.Equal(WorkflowSubStatus.Suspended, state.SubStatus);
        Assert.Empty(h.Output.Lines);
        Assert.Equal(1, await h.Runtime.RunBackgroundWorkAsync(Ct));
        Assert.Equal(["child ran", "answer 42"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, (await h.Instances.FindAsync(state.InstanceId, Ct))!.Value.State.Status);
    }

    [Fact]
    public async Task HttpEndpoint_StartsByTrigger_AndAnswersWithWriteHttpResponse()
    {
        var h = new EngineHarness();
        h.Load(Flowchart(
            Activity("In", "Elsa.HttpEndpoint", Literal("path", "alerts") + """, "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } }, "canStartWorkflow": true """)
            + "," + Activity("Out", "Elsa.WriteHttpResponse", Literal("statusCode", "Created") + "," + Js("content", "({ received: getParsedContentFromIn().severity })", "Object")),
            Connect("In", "Out")));
        var results = await h.Runtime.HandleHttpAsync("POST", "alerts", new JsonObject { ["body"] = new JsonObject { ["severity"] = "critical" } }, h.Definitions.All, Ct);
        var response = Assert.Single(results).HttpResponse!;
        Assert.Equal(201, response.StatusCode);
        Assert.Equal("critical", response.Content!["received"]!.GetValue<string>());
        Assert.Empty(await h.Runtime.HandleHttpAsync("GET", "alerts", new JsonObject(), h.Definitions.All, Ct));
    }

    [Fact]
    public async Task HttpEndpoint_InsideARunningWorkflow_WaitsForTheRequest()
    {
        var h = new EngineHarness();
        var definition = h.Load(Flowchart(Write("W1", "waiting") + "," + Activity("In", "Elsa.HttpEndpoint", Literal("path", "callbacks/42")) + "," + Write("W2", "called back"),
            Connect("W1", "In") + "," + Connect("In", "W2")));
        await h.Runtime.StartAsync(definition.DefinitionId, cancellationToken: Ct);
        var resumed = await h.Runtime.HandleHttpAsync("GET", "/Callbacks/42/", new JsonObject(), [], Ct);
        Assert.Single(resumed);
        Assert.Equal(["waiting", "called back"], h.Output.Lines);
    }

    [Fact]
    public async Task SendHttpRequest_RecordsTheResponse_AndFlowVariantFollowsTheStatusCode()
    {
        var sender = new FakeHttpSender(r => new HttpResponseData(r.Url.AbsolutePath.EndsWith("/missing", StringComparison.Ordinal) ? 404 : 200,
            new Dictionary<string, string> { ["X-Id"] = "7" }, """{ "ok": true }""", "application/json"));
        var h = new EngineHarness(sender);
        var definition = h.Load(Flowchart(
            Activity("S", "Elsa.SendHttpRequest", Literal("url", "https://cmdb.example.test/items") + "," + Literal("method", "POST") + "," + Js("content", "({ name: 'laptop' })", "Object"))
            + "," + Activity("F", "Elsa.FlowSendHttpRequest", Literal("url", "https://cmdb.example.test/missing") + """, "expectedStatusCodes": [200] """)
            + "," + Write("Ok", "found") + "," + Write("Other", "unexpected status"),
            Connect("S", "F") + "," + Connect("F", "Ok", "200") + "," + Connect("F", "Other", "Unmatched status code")));
        var state = await h.RunUntilEndAsync(definition.DefinitionId);
        Assert.Equal(WorkflowSubStatus.Finished, state.SubStatus);
        Assert.Equal(["unexpected status"], h.Output.Lines);
        Assert.Equal("""{"name":"laptop"}""", sender.Sent[0].Content);
        Assert.Equal("POST", sender.Sent[0].Method);
        Assert.True(state.ActivityOutputs["S"]["parsedContent"]!["ok"]!.GetValue<bool>());
        Assert.Equal(404, state.ActivityOutputs["F"]["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task SendHttpRequest_WithoutAClient_FaultsSayingSo()
    {
        var h = new EngineHarness();
        var definition = h.Load(Flowchart(Activity("S", "Elsa.SendHttpRequest", Literal("url", "https://example.test/"))));
        var state = await h.RunUntilEndAsync(definition.DefinitionId);
        Assert.Contains("No HTTP client is configured", Assert.Single(state.Incidents).Message);
    }
}
