using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Execution.Effects;
using ItsmWorkflows.Engine.Runtime;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class CompositionActivitiesTests
{
    private static string Child(bool waits = false) => Flowchart(
        string.Join(",",
            Activity("Wait1", waits ? "Elsa.Event" : "Elsa.Start", waits ? Literal("eventName", "child-go") : ""),
            Activity("Out1", "Elsa.SetOutput", Literal("outputName", "Answer") + "," + Js("outputValue", "getInput('Question') + '=42'"))),
        Connect("Wait1", "Out1"),
        definitionId: "child", name: "Child", inputs: """{ "name": "Question", "type": "String" }""", outputs: """{ "name": "Answer", "type": "String" }""");

    private static string Parent(string type, bool wait) => Flowchart(
        Activity("Run1", type,
            Literal("workflowDefinitionId", "child") + "," + Js("input", "({ Question: 'life' })") + "," + Literal("waitForCompletion", wait ? "true" : "false", "Boolean") + "," + OutputTo("result", "Result"))
            + "," + WriteLineJs("After", "JSON.stringify(getResult())"),
        Connect("Run1", "After"),
        variables: Variable("Result"));

    [Fact]
    public async Task ExecuteWorkflow_WaitForCompletion_ResultHoldsChildOutput()
    {
        var h = new EngineHarness();
        h.Load(Child());

        var parent = await h.StartAsync(Parent("Elsa.ExecuteWorkflow", wait: true));

        var finished = (await h.Instances.FindAsync(parent.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
        Assert.Equal(WorkflowStatus.Finished, finished.Status);
        var result = System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(h.Output.Lines))!;
        Assert.Equal("life=42", result["output"]!["Answer"]!.GetValue<string>());
        Assert.Equal("Finished", result["status"]!.GetValue<string>());
        var child = Assert.Single(h.Instances.All, s => s.DefinitionId == "child");
        Assert.Equal(child.InstanceId, result["workflowInstanceId"]!.GetValue<string>());
        Assert.Equal(parent.InstanceId, child.Properties["ParentInstanceId"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteWorkflow_WaitForWaitingChild_ParentResumesWhenChildFinishes()
    {
        var h = new EngineHarness();
        h.Load(Child(waits: true));
        var parent = await h.StartAsync(Parent("Elsa.ExecuteWorkflow", wait: true));
        Assert.Equal(WorkflowSubStatus.Suspended, parent.SubStatus);
        Assert.Empty(h.Output.Lines);

        Assert.Single(await h.Runtime.TriggerEventAsync("child-go", cancellationToken: TestContext.Current.CancellationToken));

        var finished = (await h.Instances.FindAsync(parent.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
        Assert.Equal(WorkflowStatus.Finished, finished.Status);
        Assert.Contains("life=42", Assert.Single(h.Output.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteWorkflow_NoWait_ParentContinuesAndChildRuns()
    {
        var h = new EngineHarness();
        h.Load(Child(waits: true));

        var parent = await h.StartAsync(Parent("Elsa.ExecuteWorkflow", wait: false));

        Assert.Equal(WorkflowStatus.Finished, parent.Status);
        var child = Assert.Single(h.Instances.All, s => s.DefinitionId == "child");
        Assert.Equal(WorkflowSubStatus.Suspended, child.SubStatus);
        Assert.Equal(parent.InstanceId, child.Properties["ParentInstanceId"]!.GetValue<string>());
        Assert.Contains(child.InstanceId, Assert.Single(h.Output.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchWorkflow_NoWait_ChildRunsOnlyAsBackgroundWork()
    {
        var h = new EngineHarness();
        h.Load(Child());

        var parent = await h.StartAsync(Parent("Elsa.DispatchWorkflow", wait: false));
        Assert.Equal(WorkflowStatus.Finished, parent.Status);
        Assert.DoesNotContain(h.Instances.All, s => s.DefinitionId == "child");

        Assert.Equal(1, await h.Runtime.RunBackgroundWorkAsync(TestContext.Current.CancellationToken));

        var child = Assert.Single(h.Instances.All, s => s.DefinitionId == "child");
        Assert.Equal(WorkflowStatus.Finished, child.Status);
        Assert.Equal("life=42", child.Output["Answer"]!.GetValue<string>());
        Assert.Equal(parent.InstanceId, child.Properties["ParentInstanceId"]!.GetValue<string>());
        Assert.Equal(0, await h.Runtime.RunBackgroundWorkAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DispatchWorkflow_WaitForCompletion_ParentResumesAfterBackgroundChild()
    {
        var h = new EngineHarness();
        h.Load(Child());
        var result = await h.Runtime.StartAsync(h.Load(Parent("Elsa.DispatchWorkflow", wait: true)).DefinitionId, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Single(result.Effects.OfType<StartWorkflowEffect>(), e => e.Background);
        Assert.Equal(WorkflowSubStatus.Suspended, result.State.SubStatus);

        await h.Runtime.RunBackgroundWorkAsync(TestContext.Current.CancellationToken);

        var parent = (await h.Instances.FindAsync(result.State.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
        Assert.Equal(WorkflowStatus.Finished, parent.Status);
        Assert.Contains("life=42", Assert.Single(h.Output.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchThroughOutbox_CommitsTheChildRequestWithTheParent_AndStartsItOnce()
    {
        var h = new EngineHarness();
        h.Load(Child());
        var runtime = new WorkflowRuntime(h.Definitions, h.Instances, h.Registry, h.Services) { DispatchThroughOutbox = true };
        var result = await runtime.StartAsync(h.Load(Parent("Elsa.DispatchWorkflow", wait: true)).DefinitionId, cancellationToken: TestContext.Current.CancellationToken);

        var outbound = Assert.Single(h.Instances.Outbox);
        Assert.Equal(DispatchOutbox.Kind, outbound.Kind);
        Assert.Equal(0, await runtime.RunBackgroundWorkAsync(TestContext.Current.CancellationToken)); // nothing handed to the scheduler

        var dispatch = DispatchOutbox.FromPayload(outbound.Payload);
        Assert.Equal(outbound.Id, dispatch.ChildInstanceId);
        await runtime.StartDispatchedAsync(dispatch, TestContext.Current.CancellationToken);
        await runtime.StartDispatchedAsync(dispatch, TestContext.Current.CancellationToken);

        Assert.Single(h.Instances.All, s => s.DefinitionId == "child");
        var parent = (await h.Instances.FindAsync(result.State.InstanceId, TestContext.Current.CancellationToken))!.Value.State;
        Assert.Equal(WorkflowStatus.Finished, parent.Status);
    }

    [Fact]
    public async Task AGrandchild_KnowsEveryInstanceItDescendsFrom_AndNamesThemToTheHost_WhenItChangesATicket()
    {
        var h = new EngineHarness();
        // root → middle (Execute Workflow, waits) → grandchild (Dispatch Workflow, in the background): the grandchild
        // sets the status of the root's ticket, which it names by the correlation id passed down.
        h.Load(Flowchart(Activity("Set", "Itsm.SetStatus", Literal("status", "In progress")), definitionId: "grandchild", name: "Grandchild"));
        h.Load(Flowchart(Activity("Run", "Elsa.DispatchWorkflow", Literal("workflowDefinitionId", "grandchild") + "," + Js("correlationId", "getCorrelationId()")),
            definitionId: "middle", name: "Middle"));
        var root = await h.StartAsync(Flowchart(Activity("Run", "Elsa.ExecuteWorkflow",
            Literal("workflowDefinitionId", "middle") + "," + Js("correlationId", "getCorrelationId()") + "," + Literal("waitForCompletion", "true", "Boolean")),
            definitionId: "root", name: "Root"), correlationId: "REQ0009001");
        await h.Runtime.RunBackgroundWorkAsync(TestContext.Current.CancellationToken);

        var middle = Assert.Single(h.Instances.All, s => s.DefinitionId == "middle");
        var grandchild = Assert.Single(h.Instances.All, s => s.DefinitionId == "grandchild");
        Assert.Equal([root.InstanceId], middle.Properties[WorkflowRuntime.AncestorsProperty]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal([root.InstanceId, middle.InstanceId], grandchild.Properties[WorkflowRuntime.AncestorsProperty]!.AsArray().Select(a => a!.GetValue<string>()));
        var change = Assert.Single(h.Instances.RecordChanges, c => c.Payload["instanceId"]!.GetValue<string>() == grandchild.InstanceId);
        Assert.Equal("REQ0009001", change.Payload["ticket"]!.GetValue<string>());
        Assert.Equal(middle.InstanceId, change.Payload["parentInstanceId"]!.GetValue<string>());
        Assert.Equal([root.InstanceId, middle.InstanceId], change.Payload["ancestorInstanceIds"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task AWorkflowDispatchingItself_RecordsItsRootAndNearestAncestors_NotAListGrowingWithEveryGeneration()
    {
        var h = new EngineHarness();
        const int generations = 25;
        var loop = Flowchart(
            string.Join(",",
                Activity("More", "Elsa.FlowDecision", Js("condition", $"(getInput('n') || 0) < {generations}", "Boolean")),
                Activity("Next", "Elsa.DispatchWorkflow", Literal("workflowDefinitionId", "loop") + "," + Js("input", "({ n: (getInput('n') || 0) + 1 })"))),
            Connect("More", "Next", "True"),
            definitionId: "loop", name: "Loop", inputs: """{ "name": "n", "type": "Int32" }""");
        var root = await h.StartAsync(loop);
        await h.Runtime.RunBackgroundWorkAsync(TestContext.Current.CancellationToken);

        var all = h.Instances.All.Where(s => s.DefinitionId == "loop").ToList();
        Assert.Equal(generations + 1, all.Count);
        var last = all.Single(s => s.Input.TryGetValue("n", out var n) && n!.GetValue<int>() == generations);
        var ancestors = last.Properties[WorkflowRuntime.AncestorsProperty]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Equal(WorkflowRuntime.MaxAncestors, ancestors.Count);
        Assert.Equal(root.InstanceId, ancestors[0]);
        Assert.Equal(last.Properties["ParentInstanceId"]!.GetValue<string>(), ancestors[^1]);
    }
}
