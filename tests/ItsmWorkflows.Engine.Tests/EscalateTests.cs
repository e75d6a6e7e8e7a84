using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class EscalateTests
{
    /// <summary>bob reports to dave, dave to erin; the Network group is nina.</summary>
    private sealed class Directory : IApproverDirectory
    {
        private static readonly Dictionary<string, (string Name, string? Manager)> People = new()
        {
            ["bob"] = ("Bob Agent", "dave"), ["dave"] = ("Dave Owner", "erin"), ["erin"] = ("Erin Admin", null), ["nina"] = ("Nina Network", "dave"),
        };

        public ValueTask<IReadOnlyList<ApproverInfo>> ResolveAsync(IReadOnlyList<string> names, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<ApproverInfo>>([.. names.SelectMany(n => n == "group:Network" ? ["nina"] : n.StartsWith("group:", StringComparison.Ordinal) ? [] : new[] { n }).Select(Person)]);

        private static ApproverInfo Person(string userName) =>
            new(userName, People[userName].Name, userName + "@example.org", Manager: People[userName].Manager is { } m ? new ApproverInfo(m, People[m].Name, m + "@example.org") : null);
    }

    private static string Definition(string inputs) => Flowchart(
        string.Join(",", Activity("Up", "Itsm.Escalate", inputs), WriteLine("Sent", "escalated"), WriteLine("Top", "nobody further")),
        string.Join(",", Connect("Up", "Sent"), Connect("Up", "Top", "NoFurtherTier")));

    private static string Model => Js("model", "({ number: 'INC0042', priority: 'P1', reason: 'no response in 15 minutes' })");

    [Fact]
    public async Task Functional_HandsTheWorkToTheNextTier_AndNotifiesIt()
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition(string.Join(",", Js("tiers", "['Service Desk', 'Network', 'Network Engineering']", "String[]"), Literal("currentGroup", "Service Desk"), Model)));

        Assert.Equal("Network", state.ActivityOutputs["Up"]["escalatedTo"]!.GetValue<string>());
        Assert.Equal(2, state.ActivityOutputs["Up"]["tier"]!.GetValue<int>());
        var message = EmailMessage.FromJson(Assert.Single(h.Instances.Outbox).Payload.ToJsonString());
        Assert.Equal(["Nina Network <nina@example.org>"], message.To);
        Assert.Equal("Escalated: incident INC0042 (P1)", message.Subject);
    }

    [Fact]
    public async Task Functional_AtTheLastTier_HasNobodyFurther()
    {
        var h = new EngineHarness(approvers: new Directory());
        await h.StartAsync(Definition(string.Join(",", Js("tiers", "['Service Desk', 'Network']", "String[]"), Literal("currentGroup", "Network"), Model)));

        Assert.Equal(["nobody further"], h.Output.Lines);
        Assert.Empty(h.Instances.Outbox);
    }

    [Fact]
    public async Task Hierarchical_NotifiesTheManagerChain_UpToTheLevels()
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Definition(string.Join(",", Literal("mode", "Hierarchical"), Literal("person", "bob"), Literal("levels", "5", "Int32"), Model)));

        Assert.Equal(["dave", "erin"], state.ActivityOutputs["Up"]["escalatedTo"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["Dave Owner <dave@example.org>", "Erin Admin <erin@example.org>"], EmailMessage.FromJson(Assert.Single(h.Instances.Outbox).Payload.ToJsonString()).To);

        var top = new EngineHarness(approvers: new Directory());
        await top.StartAsync(Definition(string.Join(",", Literal("mode", "Hierarchical"), Literal("person", "erin"), Model)));
        Assert.Equal(["nobody further"], top.Output.Lines);
    }
}
