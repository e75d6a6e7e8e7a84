using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Execution.Effects;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class EventActivitiesTests
{
    private static string WaitForEvent(string eventName) => Flowchart(
        Activity("Event1", "Elsa.Event", Literal("eventName", eventName) + "," + OutputTo("result", "Payload"))
            + "," + WriteLineJs("After", "'got ' + (getPayload() && getPayload().ticket)"),
        Connect("Event1", "After"),
        variables: Variable("Payload"));

    [Fact]
    public async Task Event_TriggeredByName_ResumesEveryWaitingInstanceWithPayload()
    {
        var h = new EngineHarness();
        var json = WaitForEvent("ticket-closed");
        await h.StartAsync(json);
        await h.StartAsync(json);
        await h.StartAsync(WaitForEvent("other-event").Replace("\"test", "\"other", StringComparison.Ordinal));

        var results = await h.Runtime.TriggerEventAsync("ticket-closed", payload: new JsonObject { ["ticket"] = "INC-1" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal(WorkflowStatus.Finished, r.State.Status));
        Assert.Equal(["got INC-1", "got INC-1"], h.Output.Lines);
    }

    [Fact]
    public async Task Event_TriggeredWithCorrelationId_ResumesOnlyThatInstance()
    {
        var h = new EngineHarness();
        var json = WaitForEvent("ticket-closed");
        var first = await h.StartAsync(json, correlationId: "INC-1");
        var second = await h.StartAsync(json, correlationId: "INC-2");

        var results = await h.Runtime.TriggerEventAsync("ticket-closed", "INC-2", new JsonObject { ["ticket"] = "INC-2" }, TestContext.Current.CancellationToken);

        Assert.Equal(second.InstanceId, Assert.Single(results).State.InstanceId);
        Assert.Equal(["got INC-2"], h.Output.Lines);
        var stillWaiting = (await h.Instances.FindAsync(first.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
        Assert.Single(stillWaiting.Bookmarks);
    }

    [Fact]
    public async Task PublishEvent_Executed_ResumesInstanceWaitingOnThatEvent()
    {
        var h = new EngineHarness();
        var waiting = await h.StartAsync(WaitForEvent("approved"));
        h.Load(Flowchart(
            Activity("Publish1", "Elsa.PublishEvent", Literal("eventName", "approved") + "," + Js("payload", "({ ticket: 'CHG-9' })")),
            definitionId: "publisher"));

        var result = await h.Runtime.StartAsync("publisher", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Single(result.Effects.OfType<PublishEventEffect>(), e => e.EventName == "approved");
        Assert.Equal(["got CHG-9"], h.Output.Lines);
        var resumed = (await h.Instances.FindAsync(waiting.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
        Assert.Equal(WorkflowStatus.Finished, resumed.Status);
    }

    [Fact]
    public async Task RunTask_Completed_ResumesWithResult()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Flowchart(
            Activity("Task1", "Elsa.RunTask", Literal("taskName", "ProvisionVm") + "," + Js("payload", "({ size: 'L' })") + "," + OutputTo("result", "Result"))
                + "," + WriteLineJs("After", "'vm ' + getResult().name"),
            Connect("Task1", "After"),
            variables: Variable("Result")));
        Assert.Equal(WorkflowSubStatus.Suspended, state.SubStatus);
        Assert.True(h.Runtime.RequestedTasks.TryDequeue(out var task));
        Assert.Equal("ProvisionVm", task.TaskName);
        Assert.Equal("L", task.Payload!["size"]!.GetValue<string>());

        var result = await h.Runtime.CompleteTaskAsync(task.TaskId, new JsonObject { ["name"] = "vm-01" }, TestContext.Current.CancellationToken);

        Assert.NotNull(result);
        Assert.Equal(WorkflowStatus.Finished, result.State.Status);
        Assert.Equal(["vm vm-01"], h.Output.Lines);
    }

    [Fact]
    public async Task CompleteTaskAsync_UnknownTask_ReturnsNull()
    {
        var h = new EngineHarness();

        Assert.Null(await h.Runtime.CompleteTaskAsync("no-such-task", cancellationToken: TestContext.Current.CancellationToken));
    }
}
