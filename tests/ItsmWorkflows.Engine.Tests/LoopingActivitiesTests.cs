using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class LoopingActivitiesTests
{
    private static string Body(string slot, string script) =>
        $$""" "{{slot}}": { "id": "Body1", "type": "Elsa.WriteLine", "version": 1, "text": { "typeName": "String", "expression": { "type": "JavaScript", "value": {{System.Text.Json.JsonSerializer.Serialize(script)}} } } } """;

    [Fact]
    public async Task Sequence_ThreeActivities_RunsThemInOrder()
    {
        var h = new EngineHarness();
        var sequence = $$"""{ "id": "Seq1", "type": "Elsa.Sequence", "version": 1, "activities": [{{WriteLine("W1", "one")}}, {{WriteLine("W2", "two")}}, {{WriteLine("W3", "three")}}] }""";
        var state = await h.StartAsync(Flowchart(sequence + "," + WriteLine("After", "after"), Connect("Seq1", "After")));

        Assert.Equal(["one", "two", "three", "after"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Sequence_WithWaitingActivity_ContinuesAfterResume()
    {
        var h = new EngineHarness();
        var sequence = $$"""{ "id": "Seq1", "type": "Elsa.Sequence", "version": 1, "activities": [{{WriteLine("W1", "one")}}, {{Activity("Event1", "Elsa.Event", Literal("eventName", "go"))}}, {{WriteLine("W3", "three")}}] }""";
        var state = await h.StartAsync(Flowchart(sequence));
        Assert.Equal(["one"], h.Output.Lines);

        var resumed = (await h.Runtime.ResumeAsync(state.InstanceId, state.Bookmarks[0].Id, cancellationToken: TestContext.Current.CancellationToken)).State;

        Assert.Equal(["one", "three"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, resumed.Status);
    }

    [Fact]
    public async Task ForEach_ThreeItems_RunsBodyPerItemInOrder()
    {
        var h = new EngineHarness();
        var forEach = $$"""{ "id": "Loop1", "type": "Elsa.ForEach", "version": 1, {{Js("items", "['x', 'y', 'z']")}}, {{Body("body", "getCurrentIndex() + ':' + getCurrentValue()")}} }""";
        var state = await h.StartAsync(Flowchart(forEach + "," + WriteLine("After", "after"), Connect("Loop1", "After")));

        Assert.Equal(["0:x", "1:y", "2:z", "after"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task ForEach_NoItems_CompletesWithoutRunningBody()
    {
        var h = new EngineHarness();
        var forEach = $$"""{ "id": "Loop1", "type": "Elsa.ForEach", "version": 1, {{Js("items", "[]")}}, {{Body("body", "'body'")}} }""";
        await h.StartAsync(Flowchart(forEach + "," + WriteLine("After", "after"), Connect("Loop1", "After")));

        Assert.Equal(["after"], h.Output.Lines);
    }

    [Fact]
    public async Task ParallelForEach_ThreeItems_RunsBodyForEachCurrentValueThenCompletes()
    {
        var h = new EngineHarness();
        var forEach = $$"""{ "id": "Loop1", "type": "Elsa.ParallelForEach", "version": 1, {{Js("items", "[1, 2, 3]")}}, {{Body("body", "'item ' + getCurrentValue() * 10")}} }""";
        var state = await h.StartAsync(Flowchart(forEach + "," + WriteLine("After", "after"), Connect("Loop1", "After")));

        Assert.Equal(["item 10", "item 20", "item 30"], h.Output.Lines.Take(3).Order());
        Assert.Equal("after", h.Output.Lines[^1]);
        Assert.Equal(4, h.Output.Lines.Count);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task ParallelForEach_BodiesWait_CompletesOnlyAfterLastIterationResumes()
    {
        var h = new EngineHarness();
        var forEach = """{ "id": "Loop1", "type": "Elsa.ParallelForEach", "version": 1, "items": { "typeName": "Object[]", "expression": { "type": "JavaScript", "value": "['a', 'b']" } }, "body": { "id": "Wait1", "type": "Elsa.Event", "version": 1, "eventName": { "typeName": "String", "expression": { "type": "JavaScript", "value": "'ready-' + getCurrentValue()" } } } }""";
        var state = await h.StartAsync(Flowchart(forEach + "," + WriteLine("After", "after"), Connect("Loop1", "After")));
        Assert.Equal(2, state.Bookmarks.Count);

        Assert.Single(await h.Runtime.TriggerEventAsync("ready-b", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Empty(h.Output.Lines);
        var last = Assert.Single(await h.Runtime.TriggerEventAsync("ready-a", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(["after"], h.Output.Lines);
        Assert.Equal(WorkflowStatus.Finished, last.State.Status);
    }
}
