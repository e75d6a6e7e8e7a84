using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Engine.Activities.Tickets;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>
/// A workflow acting on whoever has its ticket now, not on the ticket as it was raised: currentTicket(), and Notify Group
/// and Escalate with no group or person named. INC0000042 was raised to the Service Desk; bob handed it to Network.
/// </summary>
public sealed class CurrentTicketTests
{
    /// <summary>bob and nina report to dave, dave to erin; Network is nina, Network Engineering is grace.</summary>
    private sealed class Directory : IApproverDirectory
    {
        private static readonly Dictionary<string, (string Name, string? Manager)> People = new()
        {
            ["bob"] = ("Bob Agent", "dave"), ["dave"] = ("Dave Owner", "erin"), ["erin"] = ("Erin Admin", null),
            ["nina"] = ("Nina Network", "dave"), ["grace"] = ("Grace Engineer", "henry"), ["henry"] = ("Henry Head", null),
        };

        private static readonly Dictionary<string, string[]> Groups = new()
        {
            ["group:Service Desk"] = ["bob"], ["group:Network"] = ["nina"], ["group:Network Engineering"] = ["grace"],
        };

        public ValueTask<IReadOnlyList<ApproverInfo>> ResolveAsync(IReadOnlyList<string> names, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<ApproverInfo>>([.. names.SelectMany(n => Groups.TryGetValue(n, out var members) ? members : n.StartsWith("group:", StringComparison.Ordinal) ? [] : [n]).Select(Person)]);

        private static ApproverInfo Person(string userName) =>
            new(userName, People[userName].Name, userName + "@example.org", Manager: People[userName].Manager is { } m ? new ApproverInfo(m, People[m].Name, m + "@example.org") : null);
    }

    private const string Number = "INC0000042";

    private static EngineHarness Harness(string? group = "Network", string? assignee = "nina")
    {
        var tickets = new InMemoryTicketDirectory();
        tickets.Set(new TicketNow(Number, "In progress", group, assignee));
        return new EngineHarness(approvers: new Directory(), tickets: tickets);
    }

    private static string Model => Js("model", "({ number: 'INC0000042', priority: 'P2', percent: 50, sla: 'resolution', dueAt: 'today' })");

    [Fact]
    public async Task GetTicket_ReadsTheTicketAsItStands_WithWhatTheSameStepSetOnIt()
    {
        var h = Harness();
        var definition = Flowchart(
            string.Join(",",
                WriteLineJs("Before", "currentTicket().assignmentGroup + ' / ' + currentTicket().assignee + ' / ' + currentTicket().status + ' (raised to ' + getInput('ticket').assignmentGroup + ')'"),
                Activity("Hand", "Itsm.SetStatus", string.Join(",", Literal("status", "Escalated"), Literal("assignmentGroup", "Network Engineering"))),
                WriteLineJs("After", "currentTicket().assignmentGroup + ' / ' + currentTicket().assignee + ' / ' + currentTicket().status")),
            string.Join(",", Connect("Before", "Hand"), Connect("Hand", "After")));

        await h.StartAsync(definition, new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["ticket"] = new System.Text.Json.Nodes.JsonObject { ["assignmentGroup"] = "Service Desk" } }, Number);

        // Handed to another group with nobody named: it leaves nina, as the host applies the change.
        Assert.Equal(["Network / nina / In progress (raised to Service Desk)", "Network Engineering / null / Escalated"], h.Output.Lines);
    }

    [Fact]
    public async Task ASwitchCase_ReadsTheTicket_AndANewGroupTakesItFromItsAssignee_AsTheHostApplies()
    {
        var h = Harness();
        const string Cases = """
            "mode": { "typeName": "SwitchMode", "expression": { "type": "Literal", "value": "MatchFirst" } }, "cases": [
              { "label": "Mine", "condition": { "type": "JavaScript", "value": "currentTicket().assignmentGroup === 'Network'" } } ]
            """;
        var definition = Flowchart(
            string.Join(",",
                Activity("Route", "Elsa.FlowSwitch", Cases), WriteLine("Net", "network has it"), WriteLine("Else", "someone else"),
                Activity("Hand", "Itsm.SetStatus", Literal("assignmentGroup", "Network Engineering")),
                WriteLineJs("After", "currentTicket().assignmentGroup + ' / ' + currentTicket().assignee")),
            string.Join(",", Connect("Route", "Net", "Mine"), Connect("Route", "Else", "Default"), Connect("Net", "Hand"), Connect("Hand", "After")));

        await h.StartAsync(definition, correlationId: Number);

        // Handed to another group with nobody named: nina no longer has it (the record writer clears the assignee too).
        Assert.Equal(["network has it", "Network Engineering / null"], h.Output.Lines);
    }

    [Fact]
    public async Task Escalate_FromAGroupOutsideTheTiers_GoesNowhere_RatherThanBackToTheFirst()
    {
        var h = Harness(group: "Desktop Support");
        var state = await h.StartAsync(Flowchart(string.Join(",", Activity("Up", "Itsm.Escalate", string.Join(",",
            Js("tiers", "['Service Desk', 'Network', 'Network Engineering']", "String[]"), Js("model", "({ number: 'INC0000042' })"))),
            WriteLine("Top", "nobody further")), Connect("Up", "Top", "NoFurtherTier")), correlationId: Number);

        Assert.Equal(["nobody further"], h.Output.Lines);
        Assert.Empty(h.Instances.Outbox);
    }

    [Fact]
    public async Task GetTicket_IsNull_WhenTheWorkflowServesNoTicket()
    {
        var unknown = Harness();
        await unknown.StartAsync(Flowchart(WriteLineJs("Say", "String(currentTicket() === null)"), ""), correlationId: "INC9999999");
        var none = Harness();
        await none.StartAsync(Flowchart(WriteLineJs("Say", "String(currentTicket() === null)"), ""));

        Assert.Equal(["true"], unknown.Output.Lines);
        Assert.Equal(["true"], none.Output.Lines);
    }

    [Fact]
    public async Task NotifyGroup_WithNoGroup_WarnsTheGroupThatHasTheTicketNow()
    {
        var h = Harness();
        await h.StartAsync(Flowchart(Activity("Warn", "Itsm.NotifyGroup", string.Join(",", Literal("template", "sla-warning"), Model)), ""), correlationId: Number);

        Assert.Equal(["Nina Network <nina@example.org>"], EmailMessage.FromJson(Assert.Single(h.Instances.Outbox).Payload.ToJsonString()).To);
    }

    [Fact]
    public async Task NotifyGroup_WithNoGroup_AndATicketAssignedToNone_FaultsSayingSo()
    {
        var h = Harness(group: null, assignee: null);
        var state = await h.StartAsync(Flowchart(Activity("Warn", "Itsm.NotifyGroup", string.Join(",", Literal("template", "sla-warning"), Model)), ""), correlationId: Number);

        Assert.Equal($"Notify Group names no group, and {Number} is assigned to none.", Assert.Single(state.Incidents).Message);
        Assert.Empty(h.Instances.Outbox);
    }

    [Fact]
    public async Task Escalate_WithNoCurrentGroup_GoesOnFromTheGroupThatHasItNow_AndNamesIt()
    {
        var h = Harness();
        var state = await h.StartAsync(Flowchart(Activity("Up", "Itsm.Escalate", string.Join(",",
            Js("tiers", "['Service Desk', 'Network', 'Network Engineering']", "String[]"),
            Js("model", "({ number: 'INC0000042', priority: 'P2', reason: 'nobody acknowledged it' })"))), ""), correlationId: Number);

        Assert.Equal("Network Engineering", state.ActivityOutputs["Up"]["escalatedTo"]!.GetValue<string>());
        var message = EmailMessage.FromJson(Assert.Single(h.Instances.Outbox).Payload.ToJsonString());
        Assert.Equal(["Grace Engineer <grace@example.org>"], message.To);
        Assert.Contains("was escalated to Network Engineering: nobody acknowledged it.", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escalate_WithNoPerson_TellsTheManagersOfWhoeverWorksItNow_OrOfThePersonWhenUnassigned()
    {
        var h = Harness(assignee: "grace");
        var inputs = string.Join(",", Literal("mode", "Hierarchical"), Literal("personWhenUnassigned", "bob"), Literal("levels", "2", "Int32"),
            Js("model", "({ number: 'INC0000042', priority: 'P2', group: 'management', reason: 'not resolved in time' })"));
        var state = await h.StartAsync(Flowchart(Activity("Up", "Itsm.Escalate", inputs), ""), correlationId: Number);
        Assert.Equal(["Henry Head <henry@example.org>"], EmailMessage.FromJson(Assert.Single(h.Instances.Outbox).Payload.ToJsonString()).To);

        var unassigned = Harness(assignee: null);
        await unassigned.StartAsync(Flowchart(Activity("Up", "Itsm.Escalate", inputs), ""), correlationId: Number);
        Assert.Equal(["Dave Owner <dave@example.org>", "Erin Admin <erin@example.org>"], EmailMessage.FromJson(Assert.Single(unassigned.Instances.Outbox).Payload.ToJsonString()).To);

        var nobody = Harness(assignee: null);
        var faulted = await nobody.StartAsync(Flowchart(Activity("Up", "Itsm.Escalate", string.Join(",", Literal("mode", "Hierarchical"), Js("model", "({ number: 'INC0000042' })"))), ""), correlationId: Number);
        Assert.Contains("the ticket has no assignee", Assert.Single(faulted.Incidents).Message, StringComparison.Ordinal);
    }
}
