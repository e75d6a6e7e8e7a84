using ItsmWorkflows.Engine.Activities;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>The designer's toolbox and property panel are generated from descriptors, so every one must be complete.</summary>
public sealed class ActivityRegistryTests
{
    private static readonly string[] KnownUiHints =
    [
        "singleline", "multiline", "checkbox", "dropdown", "code-editor", "json-editor", "variable-picker", "outcome-picker",
        "datetime-picker", "timespan", "dynamic-outcomes", "switch-editor", "check-list", "workflow-definition-picker", "multi-text",
    ];

    public static TheoryData<string> TypeNames() => [.. ActivityRegistry.CreateDefault().Descriptors.Select(d => d.TypeName)];

    [Fact]
    public void Registry_HasEveryActivityTheIssueNames()
    {
        string[] expected =
        [
            "Start", "End", "Finish", "Complete", "Fault", "WriteLine", "SetVariable", "SetOutput", "SetName", "Correlate", "FlowDecision",
            "FlowSwitch", "If", "Switch", "FlowFork", "FlowJoin", "Fork", "Join", "Sequence", "ForEach", "ParallelForEach", "Delay", "Timer",
            "StartAt", "Cron", "Event", "PublishEvent", "RunTask", "RunJavaScript", "ExecuteWorkflow", "DispatchWorkflow", "HttpEndpoint",
            "WriteHttpResponse", "SendHttpRequest", "FlowSendHttpRequest", "Flowchart", "FlowNode",
        ];
        var registry = ActivityRegistry.CreateDefault();
        Assert.All(expected, name => Assert.True(registry.TryGet("Elsa." + name, out _), $"Elsa.{name} is not registered"));
    }

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Descriptor_IsComplete(string typeName)
    {
        Assert.True(ActivityRegistry.CreateDefault().TryGet(typeName, out var activity));
        var d = activity.Descriptor;
        Assert.False(string.IsNullOrWhiteSpace(d.Category));
        Assert.False(string.IsNullOrWhiteSpace(d.DisplayName));
        Assert.True(d.Description.Length > 15, $"{typeName} needs a description a person can read");
        Assert.All(d.Inputs, i =>
        {
            Assert.False(string.IsNullOrWhiteSpace(i.Name));
            Assert.False(string.IsNullOrWhiteSpace(i.TypeName));
            Assert.Contains(i.UiHint, KnownUiHints);
            Assert.Equal(char.ToLowerInvariant(i.Name[0]), i.Name[0]);
            if (i.UiHint == "dropdown") Assert.NotNull(i.Options);
            // These are the activity's own fields in the Elsa format: an input with one of these names is never read.
            Assert.DoesNotContain(i.Name, (string[])["id", "type", "version", "name", "metadata", "customProperties"]);
        });
        Assert.All(d.Outputs, o => Assert.False(string.IsNullOrWhiteSpace(o.TypeName)));
        // Something must be connectable after every flow node, unless it ends the flow.
        Assert.True(d.Outcomes.Count > 0 || d.DynamicOutcomesFrom is not null || typeName is "Elsa.End" or "Elsa.Finish" or "Elsa.Complete" or "Elsa.Fault", $"{typeName} has no outcome ports");
    }

    [Fact]
    public async Task ClassicJoin_BehavesLikeFlowJoin()
    {
        var h = new EngineHarness();
        var fork = Activity("F", "Elsa.FlowFork", """ "branches": { "typeName": "String[]", "expression": { "type": "Object", "value": "[\"A\",\"B\"]" } } """);
        var definition = h.Load(Flowchart(
            string.Join(",", fork, Activity("A", "Elsa.WriteLine", Literal("text", "a")), Activity("B", "Elsa.WriteLine", Literal("text", "b")), Activity("J", "Elsa.Join", Literal("mode", "WaitAny")), Activity("W", "Elsa.WriteLine", Literal("text", "once"))),
            string.Join(",", Connect("F", "A", "A"), Connect("F", "B", "B"), Connect("A", "J"), Connect("B", "J"), Connect("J", "W"))));
        await h.RunUntilEndAsync(definition.DefinitionId);
        Assert.Equal(["a", "b", "once"], h.Output.Lines);
    }
}
