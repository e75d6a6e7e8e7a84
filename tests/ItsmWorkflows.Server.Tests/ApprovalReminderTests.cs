using System.Net;
using System.Text.RegularExpressions;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// An approval reminder's fresh link replaces the one sent before only once it is on its way: a reminder the mail server
/// defers leaves the earlier link working, and the retried reminder then takes over. PostgreSQL and a real SMTP server
/// (which defers mail to busy*@ once after each reset).
/// </summary>
public sealed partial class ApprovalReminderTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    [GeneratedRegex(@"Approve: (\S+)")]
    private static partial Regex ApproveLink();

    private async Task<List<string>> LinksToAsync(string address) =>
        [.. (await fixture.Smtp.ReceivedAsync()).Messages.Where(m => m!["to"]!.AsArray().Any(a => a!.GetValue<string>() == address))
            .Select(m => new Uri(ApproveLink().Match(m!["text"]!.GetValue<string>()).Groups[1].Value).PathAndQuery)];

    [Fact]
    public async Task ADeferredReminder_LeavesTheEarlierLinkWorking_UntilTheReminderIsSent()
    {
        var id = "remind-" + Guid.NewGuid().ToString("N")[..8];
        var approver = $"busy-{id}@example.org";
        var json = $$"""
            { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Ask", "type": "Itsm.RequestApproval",
                "approvers": { "typeName": "String[]", "expression": { "type": "JavaScript", "value": "['{{approver}}']" } },
                "title": { "typeName": "String", "expression": { "type": "Literal", "value": "Renew the TLS certificate {{id}}" } },
                "dueIn": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "5.00:00:00" } },
                "remindEvery": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "1.00:00:00" } } } ],
              "connections": [] } }
            """;
        var (dave, definitionId) = await MailWorkflows.PublishAsync(fixture, json);
        await OkAsync(await dave.PostJsonAsync("/api/instances", new { definitionId }));
        await SettleAsync(fixture);
        await AdvanceAsync(fixture, TimeSpan.FromMinutes(2)); // the first email was deferred once; its retry goes out
        var first = Assert.Single(await LinksToAsync(approver));
        var anonymous = fixture.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(first, Ct)).StatusCode);

        // The mail server defers the reminder: the earlier link still works meanwhile.
        await fixture.Smtp.ClearAsync();
        await AdvanceAsync(fixture, TimeSpan.FromDays(1));
        Assert.Empty(await LinksToAsync(approver));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(first, Ct)).StatusCode);

        // Retried, the reminder goes out with a fresh link, which now is the one that works.
        await AdvanceAsync(fixture, TimeSpan.FromMinutes(2));
        var reminder = Assert.Single(await LinksToAsync(approver));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(reminder, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(first, Ct)).StatusCode);
        Assert.StartsWith("Reminder: Approval needed", (await fixture.Smtp.ReceivedAsync()).Messages.Single()!["subject"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
