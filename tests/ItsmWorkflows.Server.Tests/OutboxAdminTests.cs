using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>PostgreSQL and the test SMTP server, and mail gives up at the first failure: a deferral (451) fails a message for good at once.</summary>
public sealed class PostgresSmtpOneAttemptFixture : PostgresSmtpServerFixture
{
    protected override async Task AddSettingsAsync(IDictionary<string, string?> settings)
    {
        await base.AddSettingsAsync(settings);
        settings["Mail:MaxAttempts"] = "1";
    }
}

/// <summary>
/// The outbox for administrators: failed and waiting mail across all tickets, without bodies or approval links, and a
/// failed message put back to be sent (on PostgreSQL, with the real SMTP server refusing and deferring).
/// </summary>
public sealed partial class OutboxAdminTests(PostgresSmtpOneAttemptFixture fixture) : IClassFixture<PostgresSmtpOneAttemptFixture>
{
    /// <summary>A workflow that notifies an outside address and goes on without waiting for the delivery.</summary>
    internal static string Notification(string definitionId, string to, string item) => $$"""
        { "definitionId": "{{definitionId}}", "name": "notify outside",
          "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
            { "id": "Tell", "type": "Itsm.NotifyRequester",
              "requester": { "typeName": "String", "expression": { "type": "Literal", "value": "{{to}}" } },
              "template": { "typeName": "String", "expression": { "type": "Literal", "value": "request-received" } },
              "model": { "typeName": "Object", "expression": { "type": "JavaScript", "value": "({ number: 'REQ0077', item: '{{item}}' })" } } } ],
          "connections": [] } }
        """;

    private async Task<(string InstanceId, string MessageId)> NotifyAsync(string to, string item = "a laptop")
    {
        var (client, id) = await MailWorkflows.PublishAsync(fixture, Notification(MailWorkflows.NewId(), to, item));
        var instanceId = (await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id })))["instance"]!["id"]!.GetValue<string>();
        return (instanceId, Assert.Single(await MailWorkflows.OutboxAsync(fixture, instanceId)).Id);
    }

    private static async Task<(JsonNode? Entry, string Text)> ListedAsync(HttpClient admin, string messageId, string state = "")
    {
        var response = await admin.GetAsync($"/api/mail/outbox?pageSize=100{(state.Length > 0 ? "&state=" + state : "")}", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = JsonNode.Parse(text)!;
        Assert.False(page["hasMore"]!.GetValue<bool>());
        return (page["items"]!.AsArray().SingleOrDefault(e => e!["id"]!.GetValue<string>() == messageId), text);
    }

    [Fact]
    public async Task AMessageThatGaveUp_IsListedAsFailedWithTheReply_WithoutItsBody_AndRetrySendsItNow()
    {
        var to = $"busy-{Guid.NewGuid():N}@example.org";
        var marker = "only-in-the-body-" + Guid.NewGuid().ToString("N")[..8];
        var (instanceId, messageId) = await NotifyAsync(to, marker);
        var admin = await fixture.ClientAsync("erin");

        var (waiting, _) = await ListedAsync(admin, messageId, "pending");
        Assert.NotNull(waiting);
        Assert.Equal(0, waiting["attempts"]!.GetValue<int>());
        Assert.NotNull(waiting["nextAttemptAt"]);

        await MailWorkflows.DeliverAsync(fixture); // 451 at the first attempt, which is the last one here

        var (failed, text) = await ListedAsync(admin, messageId, "failed");
        Assert.NotNull(failed);
        Assert.Equal("Failed", failed["state"]!.GetValue<string>());
        Assert.Equal("email", failed["kind"]!.GetValue<string>());
        Assert.Equal([to], failed["recipients"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("We received your request REQ0077", failed["subject"]!.GetValue<string>());
        Assert.Equal(1, failed["attempts"]!.GetValue<int>());
        Assert.Contains("gave up after 1 attempts", failed["lastError"]!.GetValue<string>());
        Assert.Contains("451", failed["lastError"]!.GetValue<string>());
        Assert.Null(failed["nextAttemptAt"]);
        Assert.NotNull(failed["settledAt"]);
        Assert.Equal(instanceId, failed["instanceId"]!.GetValue<string>());
        Assert.False(failed["awaitedByWorkflow"]!.GetValue<bool>());
        // The body (and with it anything written into it) is not listed; the body itself was rendered with the marker.
        Assert.Contains(marker, Assert.Single(await MailWorkflows.OutboxAsync(fixture, instanceId)).Payload);
        Assert.DoesNotContain(marker, text);
        Assert.DoesNotContain("htmlBody", text);
        Assert.DoesNotContain("textBody", text);
        Assert.DoesNotContain("payload", text, StringComparison.OrdinalIgnoreCase);
        Assert.Null((await ListedAsync(admin, messageId, "pending")).Entry);
        Assert.Null((await ListedAsync(admin, messageId, "sent")).Entry);

        var retried = await OkAsync(await admin.PostAsync($"/api/mail/outbox/{messageId}/retry", null, Ct));
        Assert.Equal("Pending", retried["state"]!.GetValue<string>());
        Assert.Equal(0, retried["attempts"]!.GetValue<int>());
        AssertNow(fixture, retried["nextAttemptAt"]);
        // Idempotent: a second retry (another administrator's) finds it waiting and leaves it as it is.
        var again = await OkAsync(await admin.PostAsync($"/api/mail/outbox/{messageId}/retry", null, Ct));
        Assert.Equal("Pending", again["state"]!.GetValue<string>());
        Assert.Equal(0, again["attempts"]!.GetValue<int>());

        await MailWorkflows.DeliverAsync(fixture); // the server defers an address once only: accepted now

        var (sent, _) = await ListedAsync(admin, messageId, "sent");
        Assert.NotNull(sent);
        Assert.Null(sent["lastError"]);
        Assert.Equal(1, sent["attempts"]!.GetValue<int>());
        Assert.Contains((await fixture.Smtp.ReceivedAsync()).Messages, m => m!["to"]!.AsArray().Any(a => a!.GetValue<string>() == to));
        var conflict = await admin.PostAsync($"/api/mail/outbox/{messageId}/retry", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains("was sent at", (await ReadAsync(conflict))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARefusedMessage_IsTriedAgainOnRetry_AndRefusedAgain()
    {
        var to = $"reject-{Guid.NewGuid():N}@example.org";
        var (_, messageId) = await NotifyAsync(to);
        var admin = await fixture.ClientAsync("erin");
        await MailWorkflows.DeliverAsync(fixture);
        var (failed, _) = await ListedAsync(admin, messageId, "failed");
        Assert.Contains("550", failed!["lastError"]!.GetValue<string>());
        var (_, sessionsBefore) = await fixture.Smtp.ReceivedAsync();

        await OkAsync(await admin.PostAsync($"/api/mail/outbox/{messageId}/retry", null, Ct));
        // Until it is tried, the last reply still says why it failed.
        Assert.Contains("550", (await ListedAsync(admin, messageId, "pending")).Entry!["lastError"]!.GetValue<string>());
        await MailWorkflows.DeliverAsync(fixture);

        Assert.True((await fixture.Smtp.ReceivedAsync()).Sessions > sessionsBefore);
        var (refused, _) = await ListedAsync(admin, messageId, "failed");
        Assert.Equal(1, refused!["attempts"]!.GetValue<int>());
        Assert.Contains("Recipient address rejected", refused["lastError"]!.GetValue<string>());
    }

    [Fact]
    public async Task AFailedSendEmailAWorkflowWaitedFor_IsRetriedThroughItsIncident_NotHere()
    {
        var (client, id) = await MailWorkflows.PublishAsync(fixture, MailWorkflows.SendEmail(MailWorkflows.NewId(), $"reject-{Guid.NewGuid():N}@example.org"));
        var instanceId = (await MailWorkflows.StartAsync(client, id))["instance"]!["id"]!.GetValue<string>();
        var messageId = Assert.Single(await MailWorkflows.OutboxAsync(fixture, instanceId)).Id;
        await MailWorkflows.DeliverAsync(fixture);
        var incident = Assert.Single((await MailWorkflows.GetAsync(client, instanceId))["incidents"]!.AsArray())!["id"]!.GetValue<string>();
        var admin = await fixture.ClientAsync("erin");

        var (failed, _) = await ListedAsync(admin, messageId, "failed");
        Assert.True(failed!["awaitedByWorkflow"]!.GetValue<bool>());
        var refused = await admin.PostAsync($"/api/mail/outbox/{messageId}/retry", null, Ct);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await ReadAsync(refused);
        Assert.Contains($"POST /api/instances/{instanceId}/incidents/{incident}/retry", problem["detail"]!.GetValue<string>());
        Assert.Equal(incident, problem["incidentId"]!.GetValue<string>());
        Assert.NotNull(Assert.Single(await MailWorkflows.OutboxAsync(fixture, instanceId)).ProcessedAt);
    }

    [Fact]
    public async Task AnApprovalRequest_IsListedWithItsApprovers_AndNeverWithTheLinkItSent()
    {
        var title = "Outbox approval " + Guid.NewGuid().ToString("N")[..6];
        var definition = $$"""
            { "definitionId": "{{MailWorkflows.NewId()}}", "name": "approval",
              "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
                { "id": "Approve1", "type": "Itsm.RequestApproval",
                  "approvers": { "typeName": "String[]", "expression": { "type": "JavaScript", "value": "['carol']" } },
                  "title": { "typeName": "String", "expression": { "type": "Literal", "value": "{{title}}" } },
                  "requester": { "typeName": "String", "expression": { "type": "Literal", "value": "alice" } } } ],
              "connections": [] } }
            """;
        var (client, id) = await MailWorkflows.PublishAsync(fixture, definition);
        var instanceId = (await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id })))["instance"]!["id"]!.GetValue<string>();
        var messageId = Assert.Single(await MailWorkflows.OutboxAsync(fixture, instanceId)).Id;
        await MailWorkflows.DeliverAsync(fixture);
        var mail = Assert.Single((await fixture.Smtp.ReceivedAsync()).Messages, m => m!["subject"]!.GetValue<string>() == $"Approval needed: {title}")!;
        var token = ApprovalLink().Match(mail["text"]!.GetValue<string>()).Groups[1].Value;
        Assert.True(token.Length >= 20, mail["text"]!.GetValue<string>());
        var admin = await fixture.ClientAsync("erin");

        var (entry, text) = await ListedAsync(admin, messageId);

        Assert.Equal("approval-request", entry!["kind"]!.GetValue<string>());
        Assert.Equal("Sent", entry["state"]!.GetValue<string>());
        Assert.Equal($"Approval needed: {title}", entry["subject"]!.GetValue<string>());
        Assert.Equal(["carol@example.test"], entry["recipients"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.DoesNotContain(token, text);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var hash = await scope.ServiceProvider.GetRequiredService<ItsmDbContext>().ApprovalTokens.Where(t => t.Approver == "carol").Select(t => t.TokenHash).ToListAsync(Ct);
        Assert.All(hash, h => Assert.DoesNotContain(h, text));
    }

    [Fact]
    public async Task NewestComeFirst_InPages()
    {
        var first = (await NotifyAsync($"page-a-{Guid.NewGuid():N}@example.org")).MessageId;
        fixture.EngineClock.Advance(TimeSpan.FromSeconds(1));
        var second = (await NotifyAsync($"page-b-{Guid.NewGuid():N}@example.org")).MessageId;
        var admin = await fixture.ClientAsync("erin");

        var page1 = await OkAsync(await admin.GetAsync("/api/mail/outbox?state=pending&pageSize=1", Ct));
        var page2 = await OkAsync(await admin.GetAsync("/api/mail/outbox?state=pending&pageSize=1&page=2", Ct));

        Assert.Equal(second, Assert.Single(page1["items"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.True(page1["hasMore"]!.GetValue<bool>());
        Assert.Equal(first, Assert.Single(page2["items"]!.AsArray())!["id"]!.GetValue<string>());
        var bad = await admin.GetAsync("/api/mail/outbox?state=stuck", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("use pending, failed or sent", (await ReadAsync(bad))["detail"]!.GetValue<string>());
        await MailWorkflows.DeliverAsync(fixture);
    }

    [Fact]
    public async Task UnknownMessages_Are404_AndOnlyAdministratorsMayLookOrRetry()
    {
        var (_, messageId) = await NotifyAsync($"ann-{Guid.NewGuid():N}@example.org");
        var admin = await fixture.ClientAsync("erin");
        var unknown = await admin.PostAsync("/api/mail/outbox/no-such-message/retry", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no mail message 'no-such-message'", (await ReadAsync(unknown))["detail"]!.GetValue<string>());

        foreach (var user in new[] { "alice", "bob", "dave" })
        {
            var client = await fixture.ClientAsync(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/mail/outbox", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/mail/outbox/{messageId}/retry", null, Ct)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await (await fixture.ClientAsync(null)).GetAsync("/api/mail/outbox", Ct)).StatusCode);
        await MailWorkflows.DeliverAsync(fixture);
    }

    /// <summary>Now on the engine's clock, as stored (PostgreSQL keeps microseconds, not ticks).</summary>
    internal static void AssertNow(ServerFixture fixture, JsonNode? value) =>
        Assert.True(Math.Abs((value!.GetValue<DateTimeOffset>() - fixture.EngineClock.GetUtcNow()).TotalMilliseconds) < 1, $"{value} is not {fixture.EngineClock.GetUtcNow():O}");

    [GeneratedRegex(@"/approvals/([A-Za-z0-9_\-]+)\?decision=approve")]
    private static partial Regex ApprovalLink();
}

/// <summary>The same on the embedded SQLite database (its times are stored as numbers; its updates go through EF alike).</summary>
public sealed class OutboxAdminSqliteTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task SentMail_IsListed_AndAFailedMessage_IsPutBack()
    {
        var (client, id) = await MailWorkflows.PublishAsync(fixture, OutboxAdminTests.Notification(MailWorkflows.NewId(), "ann@example.org", "a laptop"));
        async Task<string> StartAsync() => Assert.Single(await MailWorkflows.OutboxAsync(fixture,
            (await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id })))["instance"]!["id"]!.GetValue<string>())).Id;
        var older = await StartAsync();
        fixture.EngineClock.Advance(TimeSpan.FromSeconds(1));
        var newer = await StartAsync();
        await MailWorkflows.DeliverAsync(fixture);
        var admin = await fixture.ClientAsync("erin");

        var sent = (await OkAsync(await admin.GetAsync("/api/mail/outbox?state=sent", Ct)))["items"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToList();
        Assert.True(sent.IndexOf(newer) >= 0 && sent.IndexOf(newer) < sent.IndexOf(older), string.Join(", ", sent));

        // The dev mailbox takes everything; a failure is written as the delivery job writes one.
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
            (await db.Outbox.SingleAsync(o => o.Id == older, Ct)).LastError = "550 5.1.1 User unknown";
            await db.SaveChangesAsync(Ct);
        }
        var failed = Assert.Single((await OkAsync(await admin.GetAsync("/api/mail/outbox?state=failed", Ct)))["items"]!.AsArray())!;
        Assert.Equal(older, failed["id"]!.GetValue<string>());

        var retried = await OkAsync(await admin.PostAsync($"/api/mail/outbox/{older}/retry", null, Ct));
        Assert.Equal("Pending", retried["state"]!.GetValue<string>());
        OutboxAdminTests.AssertNow(fixture, retried["nextAttemptAt"]);
        Assert.Empty((await OkAsync(await admin.GetAsync("/api/mail/outbox?state=failed", Ct)))["items"]!.AsArray());
        await MailWorkflows.DeliverAsync(fixture);
        Assert.Contains(older, (await OkAsync(await admin.GetAsync("/api/mail/outbox?state=sent", Ct)))["items"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
    }
}
