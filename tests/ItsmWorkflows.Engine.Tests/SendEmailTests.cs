using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Engine.Execution;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class SendEmailTests
{
    private static string Mail(string to, string body = "<p>Hello {{ Variables.Name }}</p>", string extra = "") =>
        Flowchart(
            string.Join(",",
                Activity("Mail1", "Elsa.SendEmail", string.Join(",", new[]
                {
                    Literal("to", to), Literal("subject", "Request REQ-1 received"), Input("body", "Liquid", body, "String"),
                }.Concat(extra.Length > 0 ? [extra] : []))),
                WriteLine("After1", "sent")),
            Connect("Mail1", "After1"),
            variables: Variable("Name", "String", "Ann"));

    [Fact]
    public async Task Execute_WritesTheRenderedMessageToTheOutboxWithTheBurst_AndWaitsForDelivery()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Mail("ann@example.org; Bob <bob@example.org>"));

        Assert.Equal(WorkflowSubStatus.Suspended, state.SubStatus);
        var outbound = Assert.Single(h.Instances.Outbox);
        Assert.Equal(EmailMessage.OutboxKind, outbound.Kind);
        Assert.Equal(state.Bookmarks.Single().Id, outbound.BookmarkId);
        var message = EmailMessage.FromJson(outbound.Payload.ToJsonString());
        Assert.Equal(["ann@example.org", "Bob <bob@example.org>"], message.To);
        Assert.Equal("<p>Hello Ann</p>", message.HtmlBody);
        Assert.Equal("Hello Ann", message.TextBody);
        Assert.Equal(outbound.Id, message.Id);
        Assert.DoesNotContain(h.Output.Lines, l => l == "sent");
    }

    [Fact]
    public async Task Delivered_ContinuesWithTheMessageId()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Mail("ann@example.org"));
        var bookmark = state.Bookmarks.Single();

        var resumed = (await h.Runtime.ResumeAsync(state.InstanceId, bookmark.Id, new JsonObject { ["delivered"] = true, ["reply"] = "250 OK", ["messageId"] = "<m1@itsm>" }, TestContext.Current.CancellationToken)).State;

        Assert.Equal(WorkflowStatus.Finished, resumed.Status);
        Assert.Contains("sent", h.Output.Lines);
        Assert.Equal("<m1@itsm>", resumed.ActivityOutputs["Mail1"]["messageId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refused_BecomesAnIncidentWithTheServersReply_AndRetrySendsAgain()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Mail("nobody@example.org"));
        var bookmark = state.Bookmarks.Single();

        var faulted = (await h.Runtime.ResumeAsync(state.InstanceId, bookmark.Id, new JsonObject { ["delivered"] = false, ["reply"] = "550 5.1.1 <nobody@example.org>: Recipient address rejected" }, TestContext.Current.CancellationToken)).State;

        Assert.Equal(WorkflowSubStatus.Faulted, faulted.SubStatus);
        var incident = Assert.Single(faulted.Incidents);
        Assert.Equal("Mail1", incident.ActivityId);
        Assert.Contains("550 5.1.1", incident.Message);

        var retried = (await h.Runtime.RetryAsync(state.InstanceId, incident.Id, TestContext.Current.CancellationToken)).State;
        Assert.Equal(WorkflowSubStatus.Suspended, retried.SubStatus);
        Assert.Equal(2, h.Instances.Outbox.Count);
        Assert.NotEqual(h.Instances.Outbox[0].Id, h.Instances.Outbox[1].Id);
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("ann@example.org, @nowhere")]
    public async Task InvalidAddress_FaultsAtOnce_AndSendsNothing(string to)
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Mail(to));

        Assert.Equal(WorkflowSubStatus.Faulted, state.SubStatus);
        Assert.Contains("is not a valid email address", Assert.Single(state.Incidents).Message);
        Assert.Empty(h.Instances.Outbox);
    }

    [Fact]
    public async Task NoRecipient_Faults()
    {
        var h = new EngineHarness();
        var state = await h.StartAsync(Mail(""));

        Assert.Contains("no recipient", Assert.Single(state.Incidents).Message);
        Assert.Empty(h.Instances.Outbox);
    }

    [Fact]
    public async Task Attachments_AreCarriedAsBase64_OrAsLinksFetchedWhenSent()
    {
        var h = new EngineHarness();
        var content = Convert.ToBase64String("col1,col2\n1,2\n"u8.ToArray());
        var withFile = await h.StartAsync(Mail("ann@example.org", extra: Js("attachments", $"[{{ fileName: 'report.csv', contentType: 'text/csv', content: '{content}' }}]")));
        var message = EmailMessage.FromJson(Assert.Single(h.Instances.Outbox).Payload.ToJsonString());
        Assert.Equal(new EmailAttachment("report.csv", "text/csv", content), Assert.Single(message.Attachments));
        Assert.Equal(WorkflowSubStatus.Suspended, withFile.SubStatus);

        var h2 = new EngineHarness();
        var withLink = await h2.StartAsync(Mail("ann@example.org", extra: Literal("attachments", "https://example.org/report.csv")));
        Assert.Empty(withLink.Incidents);
        Assert.Equal("https://example.org/report.csv", Assert.Single(EmailMessage.FromJson(Assert.Single(h2.Instances.Outbox).Payload.ToJsonString()).Attachments).Url);

        var h3 = new EngineHarness();
        var notWeb = await h3.StartAsync(Mail("ann@example.org", extra: Js("attachments", "[{ url: 'file:///etc/passwd' }]")));
        Assert.Contains("is not an http or https address", Assert.Single(notWeb.Incidents).Message);
    }

    [Fact]
    public void PlainText_KeepsLinksAndLineBreaks()
    {
        var text = HtmlText.ToPlainText("""
            <!doctype html>
            <html><head><style>p { color: red }</style></head><body><!-- layout: 600 px -->
            <h1>Approval needed</h1><p>Change <b>CHG0001</b> &amp; its plan.</p>
            <table><tr><td>Risk</td><td>High</td></tr><tr><td>Window</td><td>Sat</td><td>02:00</td></tr></table>
            <a href="https://itsm.example.org/approve?t=1&amp;x=2">Review</a><br>Thanks
            </body></html>
            """);

        // Blocks are separated by at most one blank line; a row's two cells read as "label: value", more as a list.
        Assert.Equal("Approval needed\nChange CHG0001 & its plan.\n\nRisk: High\nWindow | Sat | 02:00\n\nReview (https://itsm.example.org/approve?t=1&x=2)\nThanks", text);
    }
}
