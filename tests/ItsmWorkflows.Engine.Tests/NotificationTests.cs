using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class NotificationTests
{
    private sealed class Directory : IApproverDirectory
    {
        public ValueTask<IReadOnlyList<ApproverInfo>> ResolveAsync(IReadOnlyList<string> approvers, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<ApproverInfo>>([.. approvers.SelectMany(a => a switch
            {
                "group:Service Desk" => new[] { new ApproverInfo("bob", "Bob Agent", "bob@example.org"), new ApproverInfo("sam", "Sam Agent", "sam@example.org") },
                "ghost" => [new ApproverInfo("ghost", "Ghost", null)],
                _ => [new ApproverInfo(a, "Ann Lee", a + "@example.org")],
            })]);
    }

    private const string Model = """
        ({ number: 'REQ0001', item: 'Laptop <Pro>', requesterName: 'Ann', approver: 'carol', comment: 'over budget', group: 'Service Desk', title: 'Set up laptop',
           type: 'Normal', risk: 'High', window: 'Sat 02:00', priority: 'P2', reason: 'no response in 30 minutes', percent: 75, sla: 'resolution', dueAt: '2026-11-30 12:00',
           resolution: 'Rebooted the relay', details: { Cost: '1,200 EUR', Delivery: '3 days' } })
        """;

    private static string Notify(string type, string recipientInput, string recipient, string template) => Flowchart(Activity("Notify1", type, string.Join(",",
        Literal(recipientInput, recipient), Literal("template", template), Js("model", Model), Literal("actionUrl", "https://itsm.example.org/requests/REQ0001"))));

    [Fact]
    public async Task NotifyRequester_RendersTheTemplate_EscapingValues_WithFactsAndAButton()
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Notify("Itsm.NotifyRequester", "requester", "ann", "request-received"));

        Assert.Equal(WorkflowSubStatus.Suspended, state.SubStatus); // waits for the delivery report
        var message = EmailMessage.FromJson(Assert.Single(h.Instances.Outbox).Payload.ToJsonString());
        Assert.Equal(["Ann Lee <ann@example.org>"], message.To);
        Assert.Equal("We received your request REQ0001", message.Subject);
        Assert.Contains("Laptop &lt;Pro&gt;", message.HtmlBody);
        Assert.DoesNotContain("Laptop <Pro>", message.HtmlBody);
        Assert.Contains("1,200 EUR", message.HtmlBody);
        Assert.Contains("href=\"https://itsm.example.org/requests/REQ0001\"", message.HtmlBody);
        Assert.Contains("Track your request (https://itsm.example.org/requests/REQ0001)", message.TextBody);
        Assert.Contains("Laptop <Pro>", message.TextBody);
    }

    [Fact]
    public async Task NotifyGroup_MailsEveryMember()
    {
        var h = new EngineHarness(approvers: new Directory());
        await h.StartAsync(Notify("Itsm.NotifyGroup", "group", "Service Desk", "task-assigned"));

        var message = EmailMessage.FromJson(Assert.Single(h.Instances.Outbox).Payload.ToJsonString());
        Assert.Equal(["Bob Agent <bob@example.org>", "Sam Agent <sam@example.org>"], message.To);
        Assert.Equal("Task REQ0001 for Service Desk: Set up laptop", message.Subject);
    }

    public static TheoryData<string> Templates() => [.. NotificationTemplates.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task EveryShippedTemplate_Renders(string template)
    {
        var h = new EngineHarness(approvers: new Directory());
        var state = await h.StartAsync(Notify("Itsm.NotifyRequester", "requester", "ann", template));

        Assert.Empty(state.Incidents);
        var message = EmailMessage.FromJson(Assert.Single(h.Instances.Outbox).Payload.ToJsonString());
        Assert.DoesNotContain("{{", message.Subject);
        Assert.DoesNotContain("{%", message.HtmlBody);
        Assert.Contains("REQ0001", message.Subject + message.TextBody);
        Assert.StartsWith("<!doctype html>", message.HtmlBody);
    }

    [Fact]
    public async Task UnknownTemplate_AndNobodyToMail_FaultClearly()
    {
        var h = new EngineHarness(approvers: new Directory());
        var unknown = await h.StartAsync(Notify("Itsm.NotifyRequester", "requester", "ann", "party-invitation"));
        Assert.Contains("no notification template 'party-invitation'; use one of: request-received", Assert.Single(unknown.Incidents).Message);

        var h2 = new EngineHarness(approvers: new Directory());
        var ghost = await h2.StartAsync(Notify("Itsm.NotifyRequester", "requester", "ghost", "request-received"));
        Assert.Contains("has no email address", Assert.Single(ghost.Incidents).Message);
        Assert.Empty(h2.Instances.Outbox);
    }
}
