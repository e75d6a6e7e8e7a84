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

        Assert.Equal(WorkflowStatus.Finished, state.Status); // goes on once queued: a notification does not hold up the process
        Assert.Null(Assert.Single(h.Instances.Outbox).BookmarkId); // and nobody waits for its delivery report
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
    public async Task WithoutAnActionUrl_TheButtonOpensTheTicketTheModelNames()
    {
        var h = new EngineHarness(approvers: new Directory(), ticketUrl: number => $"https://itsm.example.org/portal/#/tickets/{number}");
        await h.StartAsync(Flowchart(Activity("Notify1", "Itsm.NotifyRequester", string.Join(",", Literal("requester", "ann"), Literal("template", "request-received"), Js("model", Model)))));

        var message = EmailMessage.FromJson(Assert.Single(h.Instances.Outbox).Payload.ToJsonString());
        Assert.Contains("href=\"https://itsm.example.org/portal/#/tickets/REQ0001\"", message.HtmlBody);
        Assert.Contains("(https://itsm.example.org/portal/#/tickets/REQ0001)", message.TextBody);

        // A host without a public address leaves the button out rather than link nowhere.
        var bare = new EngineHarness(approvers: new Directory());
        await bare.StartAsync(Flowchart(Activity("Notify1", "Itsm.NotifyRequester", string.Join(",", Literal("requester", "ann"), Literal("template", "request-received"), Js("model", Model)))));
        Assert.DoesNotContain("href=", EmailMessage.FromJson(Assert.Single(bare.Instances.Outbox).Payload.ToJsonString()).HtmlBody);
    }

    [Fact]
    public async Task NotifyGroup_MailsEveryMember()
    {
        var h = new EngineHarness(approvers: new Directory());
        await h.StartAsync(Notify("Itsm.NotifyGroup", "group", "Service Desk", "task-assigned"));

        var message = EmailMessage.FromJson(Assert.Single(h.Instances.Outbox).Payload.ToJsonString());
        Assert.Equal(["Bob Agent <bob@example.org>", "Sam Agent <sam@example.org>"], message.To);
        Assert.Equal("New task for Service Desk from REQ0001: Set up laptop", message.Subject);
    }

    [Fact]
    public async Task WaitForDelivery_Suspends_UntilTheReport_AndARefusalIsAnIncident()
    {
        var h = new EngineHarness(approvers: new Directory());
        var definition = h.Load(Flowchart(string.Join(",",
            Activity("Notify1", "Itsm.NotifyRequester", string.Join(",", Literal("requester", "ann"), Literal("template", "request-received"), Js("model", Model), Literal("waitForDelivery", "true", "Boolean"))),
            WriteLine("After", "after")), Connect("Notify1", "After")));
        var state = (await h.Runtime.StartAsync(definition.DefinitionId, cancellationToken: TestContext.Current.CancellationToken)).State;

        Assert.Equal(WorkflowSubStatus.Suspended, state.SubStatus);
        var queued = Assert.Single(h.Instances.Outbox);
        Assert.Equal(state.Bookmarks[0].Id, queued.BookmarkId);
        Assert.Empty(h.Output.Lines);

        state = (await h.Runtime.ResumeAsync(state.InstanceId, queued.BookmarkId!, new System.Text.Json.Nodes.JsonObject { ["delivered"] = false, ["reply"] = "550 5.1.1 no such user" },
            TestContext.Current.CancellationToken)).State;
        var incident = Assert.Single(state.Incidents);
        Assert.Equal("Notify1", incident.ActivityId);
        Assert.Contains("550 5.1.1 no such user", incident.Message, StringComparison.Ordinal);
        Assert.Empty(h.Output.Lines);
    }

    [Fact]
    public async Task Escalate_GoesOnOnceQueued_UnlessToldToWait()
    {
        var h = new EngineHarness(approvers: new Directory());
        string Definition(bool wait) => Flowchart(string.Join(",",
            Activity("Up", "Itsm.Escalate", string.Join(",", Js("tiers", "['First line', 'Service Desk']", "String[]"), Literal("currentGroup", "First line"), Js("model", Model), Literal("waitForDelivery", wait ? "true" : "false", "Boolean"))),
            WriteLine("After", "after")), Connect("Up", "After"));

        var goesOn = await h.StartAsync(Definition(false));
        Assert.Equal(WorkflowStatus.Finished, goesOn.Status);
        Assert.Equal(["after"], h.Output.Lines);

        var other = new EngineHarness(approvers: new Directory());
        var waits = await other.StartAsync(Definition(true));
        Assert.Equal(WorkflowSubStatus.Suspended, waits.SubStatus);
        Assert.Empty(other.Output.Lines);
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

    [Fact]
    public void RequestApproved_NamesAnApproverOutsideTheDirectory_NotByTheirAddress()
    {
        var template = NotificationTemplates.Find("request-approved")!;
        var model = new System.Text.Json.Nodes.JsonObject { ["number"] = "REQ0001", ["item"] = "Laptop", ["approver"] = "carol, ext@partner.test, Vendor <sales@lieferant-müller.de>" };

        var (_, html, text) = NotificationTemplates.Render(template, model, null, null);

        Assert.Contains("approved by carol, an external approver, Vendor &lt;an external approver&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("partner.test", text, StringComparison.Ordinal);
        Assert.DoesNotContain("müller", text, StringComparison.Ordinal);
    }
    [Theory]
    [InlineData("request-rejected", "comment", "", "Your request for Laptop was not approved.")]
    [InlineData("request-rejected", "comment", "   ", "Your request for Laptop was not approved.")]
    [InlineData("request-rejected", "comment", "Over budget", "Your request for Laptop was not approved: Over budget.")]
    [InlineData("request-rejected", "comment", "Over budget!", "Your request for Laptop was not approved: Over budget!")]
    [InlineData("request-not-fulfilled", "comment", "VPN licences exhausted", "We could not fulfil your request for Laptop: VPN licences exhausted. The service desk")]
    [InlineData("request-not-fulfilled", "comment", "", "We could not fulfil your request for Laptop. The service desk")]
    [InlineData("incident-resolved", "resolution", "Rebuilt the profile.", "is resolved: \u201cRebuilt the profile.\u201d Reply")]
    [InlineData("incident-resolved", "resolution", "Rebuilt the profile", "is resolved: \u201cRebuilt the profile\u201d. Reply")]
    [InlineData("change-rejected", "comment", " ", "was not authorized.")]
    public void PeoplesWords_EndTheSentenceOnce_AndNoWordsIsNoColon(string template, string field, string words, string expected)
    {
        var model = new System.Text.Json.Nodes.JsonObject { ["number"] = "REQ0001", ["item"] = "Laptop", [field] = words };

        var (_, _, text) = NotificationTemplates.Render(NotificationTemplates.Find(template)!, model, null, null);

        Assert.Contains(expected, text, StringComparison.Ordinal);
    }
}
