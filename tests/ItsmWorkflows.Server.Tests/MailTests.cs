using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Shared by the SMTP and the dev-mailbox tests: a workflow that sends one email, then writes a line.</summary>
internal static class MailWorkflows
{
    public static string NewId() => "mail-" + Guid.NewGuid().ToString("N")[..12];

    public static string SendEmail(string definitionId, string to, string cc = "", string bcc = "", string attachments = "") =>
        $$$"""
        { "definitionId": "{{{definitionId}}}", "name": "Notify requester",
          "inputs": [ { "name": "name", "type": "String" } ],
          "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
            { "id": "Mail1", "type": "Elsa.SendEmail",
              "to": { "typeName": "String", "expression": { "type": "Literal", "value": {{{JsonSerializer.Serialize(to)}}} } },
              "cc": { "typeName": "String", "expression": { "type": "Literal", "value": {{{JsonSerializer.Serialize(cc)}}} } },
              "bcc": { "typeName": "String", "expression": { "type": "Literal", "value": {{{JsonSerializer.Serialize(bcc)}}} } },
              "subject": { "typeName": "String", "expression": { "type": "Liquid", "value": "Request for {{ Input.name }} received" } },
              "body": { "typeName": "String", "expression": { "type": "Liquid", "value": "<p>Hello <b>{{ Input.name }}</b>,</p><p><a href=\"https://itsm.example.org/requests/REQ0001\">Track your request</a></p>" } }
              {{{(attachments.Length > 0 ? ", \"attachments\": { \"typeName\": \"Object\", \"expression\": { \"type\": \"JavaScript\", \"value\": " + JsonSerializer.Serialize(attachments) + " } }" : "")}}} },
            { "id": "After1", "type": "Elsa.SetName", "value": { "typeName": "String", "expression": { "type": "Literal", "value": "notified" } } } ],
          "connections": [ { "source": { "activity": "Mail1", "port": "Done" }, "target": { "activity": "After1", "port": "In" } } ] } }
        """;

    public static async Task<(HttpClient Client, string DefinitionId)> PublishAsync(ServerFixture fixture, string json)
    {
        var client = await fixture.ClientAsync("dave");
        var created = await OkAsync(await client.PostAsync("/api/definitions", Body(json), Ct));
        var id = created["version"]!["definitionId"]!.GetValue<string>();
        await OkAsync(await client.PostAsync($"/api/definitions/{id}/publish", null, Ct));
        return (client, id);
    }

    public static async Task<JsonNode> StartAsync(HttpClient client, string definitionId, string name = "Ann") =>
        await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId, input = new { name } }));

    public static async Task<JsonNode> GetAsync(HttpClient client, string instanceId) => await OkAsync(await client.GetAsync($"/api/instances/{instanceId}", Ct));

    /// <summary>Runs the outbox delivery job as Hangfire would.</summary>
    public static async Task<int> DeliverAsync(ServerFixture fixture)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxDeliveryJob>().RunAsync(Ct);
    }

    public static async Task<List<OutboxMessage>> OutboxAsync(ServerFixture fixture, string instanceId)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        return await db.Outbox.AsNoTracking().Where(o => o.InstanceId == instanceId).ToListAsync(Ct);
    }
}

/// <summary>Email through MailKit to a real SMTP server, on PostgreSQL.</summary>
public sealed class SmtpMailTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    [Fact]
    public async Task SendEmail_IsCommittedWithTheBurst_DeliveredOverSmtp_AndTheWorkflowContinues()
    {
        await fixture.Smtp.ClearAsync();
        var csv = Convert.ToBase64String("id,state\nREQ0001,open\n"u8.ToArray());
        var (client, id) = await MailWorkflows.PublishAsync(fixture, MailWorkflows.SendEmail(MailWorkflows.NewId(), "Ann Lee <ann@example.org>", cc: "lead@example.org", bcc: "audit@example.org",
            attachments: $"[{{ fileName: 'request.csv', contentType: 'text/csv', content: '{csv}' }}]"));
        var name = "Ann " + Guid.NewGuid().ToString("N")[..6];
        var started = await MailWorkflows.StartAsync(client, id, name);
        var instanceId = started["instance"]!["id"]!.GetValue<string>();

        // Waiting for the delivery report; the message is already in the outbox, committed with that step.
        Assert.Equal("Suspended", started["instance"]!["subStatus"]!.GetValue<string>());
        var row = Assert.Single(await MailWorkflows.OutboxAsync(fixture, instanceId));
        Assert.Null(row.ProcessedAt);
        Assert.Empty(await ReceivedAsync($"Request for {name} received"));

        Assert.True(await MailWorkflows.DeliverAsync(fixture) >= 1);

        var detail = await MailWorkflows.GetAsync(client, instanceId);
        Assert.Equal("Finished", detail["instance"]!["status"]!.GetValue<string>());
        Assert.Equal("notified", detail["instance"]!["name"]!.GetValue<string>());
        var mail = Assert.Single(await ReceivedAsync($"Request for {name} received"))!;
        Assert.Equal($"<{row.Id}@itsm.example.org>", mail["messageId"]!.GetValue<string>());
        Assert.Equal("\"Service Desk\" <servicedesk@itsm.example.org>", mail["from"]!.GetValue<string>());
        Assert.Equal(["ann@example.org"], mail["to"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["lead@example.org"], mail["cc"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains("audit@example.org", mail["envelope"]!["rcptTo"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.False(mail["hasBccHeader"]!.GetValue<bool>());
        Assert.Equal("auto-generated", mail["autoSubmitted"]!.GetValue<string>());
        Assert.Contains($"Hello <b>{name}</b>", mail["html"]!.GetValue<string>());
        Assert.Contains("Track your request (https://itsm.example.org/requests/REQ0001)", mail["text"]!.GetValue<string>());
        var attachment = Assert.Single(mail["attachments"]!.AsArray())!;
        Assert.Equal("request.csv", attachment["fileName"]!.GetValue<string>());
        Assert.Equal(csv, attachment["content"]!.GetValue<string>());
        Assert.NotNull(Assert.Single(await MailWorkflows.OutboxAsync(fixture, instanceId)).ProcessedAt);
        await MailWorkflows.DeliverAsync(fixture);
        Assert.Single(await ReceivedAsync($"Request for {name} received"));
    }

    [Fact]
    public async Task NotifyGroup_ReachesEveryMember_WithTheShippedTemplate()
    {
        var number = "CHG" + Random.Shared.Next(10000, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var definition = $$"""
            { "definitionId": "{{MailWorkflows.NewId()}}", "name": "notify board",
              "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
                { "id": "Tell", "type": "Itsm.NotifyGroup",
                  "group": { "typeName": "String", "expression": { "type": "Literal", "value": "Change Advisory Board" } },
                  "template": { "typeName": "String", "expression": { "type": "Literal", "value": "change-submitted" } },
                  "model": { "typeName": "Object", "expression": { "type": "JavaScript", "value": "({ number: '{{number}}', title: 'Patch the relay', type: 'Normal', risk: 'High', details: { Window: 'Sat 02:00' } })" } },
                  "actionUrl": { "typeName": "String", "expression": { "type": "Literal", "value": "https://itsm.example.org/changes/{{number}}" } } } ],
              "connections": [] } }
            """;
        var (client, id) = await MailWorkflows.PublishAsync(fixture, definition);
        var instanceId = (await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id })))["instance"]!["id"]!.GetValue<string>();

        await MailWorkflows.DeliverAsync(fixture);

        Assert.Equal("Finished", (await MailWorkflows.GetAsync(client, instanceId))["instance"]!["status"]!.GetValue<string>());
        var mail = Assert.Single(await ReceivedAsync($"Change {number} submitted: Patch the relay"))!;
        Assert.Equal(["carol@example.test", "dave@example.test", "nina@example.test"], mail["to"]!.AsArray().Select(a => a!.GetValue<string>()).Order());
        Assert.Contains($"https://itsm.example.org/changes/{number}", mail["html"]!.GetValue<string>());
        Assert.Contains("Window", mail["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task LinkedAttachments_AreFetchedWhenSent_AndABrokenLinkIsAnIncident()
    {
        var good = $"http://127.0.0.1:{fixture.Smtp.HttpPort}/messages";
        var name = "Links " + Guid.NewGuid().ToString("N")[..6];
        var (client, id) = await MailWorkflows.PublishAsync(fixture, MailWorkflows.SendEmail(MailWorkflows.NewId(), "ann@example.org", attachments: $"[{{ url: '{good}', fileName: 'mailbox.json' }}]"));
        var instanceId = (await MailWorkflows.StartAsync(client, id, name))["instance"]!["id"]!.GetValue<string>();
        await MailWorkflows.DeliverAsync(fixture);
        Assert.Equal("Finished", (await MailWorkflows.GetAsync(client, instanceId))["instance"]!["status"]!.GetValue<string>());
        var attachment = Assert.Single(Assert.Single(await ReceivedAsync($"Request for {name} received"))!["attachments"]!.AsArray())!;
        Assert.Equal("mailbox.json", attachment["fileName"]!.GetValue<string>());
        Assert.Equal("application/json", attachment["contentType"]!.GetValue<string>());
        Assert.StartsWith("{\"sessions\"", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(attachment["content"]!.GetValue<string>())));

        var broken = $"http://127.0.0.1:{fixture.Smtp.HttpPort}/missing.pdf";
        var (client2, id2) = await MailWorkflows.PublishAsync(fixture, MailWorkflows.SendEmail(MailWorkflows.NewId(), "ann@example.org", attachments: $"['{broken}']"));
        var instance2 = (await MailWorkflows.StartAsync(client2, id2))["instance"]!["id"]!.GetValue<string>();
        await MailWorkflows.DeliverAsync(fixture);
        var incident = Assert.Single((await MailWorkflows.GetAsync(client2, instance2))["incidents"]!.AsArray())!;
        Assert.Contains($"Attachment {broken} could not be fetched: 404", incident["message"]!.GetValue<string>());
    }

    /// <summary>What arrived with this subject (tests share the server, and one drain delivers every test's due mail).</summary>
    private async Task<List<JsonNode?>> ReceivedAsync(string subject) =>
        [.. (await fixture.Smtp.ReceivedAsync()).Messages.Where(m => m!["subject"]!.GetValue<string>() == subject)];

    [Fact]
    public async Task ManyMessages_AreSentOverOneConnection()
    {
        var (client, id) = await MailWorkflows.PublishAsync(fixture, MailWorkflows.SendEmail(MailWorkflows.NewId(), "ann@example.org"));
        var batch = Guid.NewGuid().ToString("N")[..6];
        var instances = new List<string>();
        for (var i = 0; i < 5; i++) instances.Add((await MailWorkflows.StartAsync(client, id, $"User {batch}-{i}"))["instance"]!["id"]!.GetValue<string>());
        var (_, sessionsBefore) = await fixture.Smtp.ReceivedAsync();

        Assert.True(await MailWorkflows.DeliverAsync(fixture) >= 5);

        var (messages, sessionsAfter) = await fixture.Smtp.ReceivedAsync();
        for (var i = 0; i < 5; i++) Assert.Single(messages, m => m!["subject"]!.GetValue<string>() == $"Request for User {batch}-{i} received");
        Assert.Equal(1, sessionsAfter - sessionsBefore);
        foreach (var instance in instances) Assert.Equal("Finished", (await MailWorkflows.GetAsync(client, instance))["instance"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task RefusedRecipient_BecomesAnIncidentWithTheServersReply_AndRetrySendsAgain()
    {
        var (client, id) = await MailWorkflows.PublishAsync(fixture, MailWorkflows.SendEmail(MailWorkflows.NewId(), "reject-me@example.org"));
        var instanceId = (await MailWorkflows.StartAsync(client, id))["instance"]!["id"]!.GetValue<string>();

        await MailWorkflows.DeliverAsync(fixture);

        var detail = await MailWorkflows.GetAsync(client, instanceId);
        Assert.Equal("Faulted", detail["instance"]!["subStatus"]!.GetValue<string>());
        var incident = Assert.Single(detail["incidents"]!.AsArray())!;
        Assert.Equal("Mail1", incident["activityId"]!.GetValue<string>());
        Assert.Contains("550", incident["message"]!.GetValue<string>());
        Assert.Contains("Recipient address rejected", incident["message"]!.GetValue<string>());
        var row = Assert.Single(await MailWorkflows.OutboxAsync(fixture, instanceId));
        Assert.NotNull(row.ProcessedAt);
        Assert.Contains("550", row.LastError);

        var retried = await OkAsync(await (await fixture.ClientAsync("dave")).PostAsync($"/api/instances/{instanceId}/incidents/{incident["id"]!.GetValue<string>()}/retry", null, Ct));
        Assert.Equal("Suspended", retried["instance"]!["subStatus"]!.GetValue<string>());
        Assert.Equal(2, (await MailWorkflows.OutboxAsync(fixture, instanceId)).Count);
    }

    [Fact]
    public async Task DeferredRecipient_IsRetriedAfterTheBackOff_WithoutAnIncident()
    {
        var to = $"busy-{Guid.NewGuid():N}@example.org";
        var (client, id) = await MailWorkflows.PublishAsync(fixture, MailWorkflows.SendEmail(MailWorkflows.NewId(), to));
        var instanceId = (await MailWorkflows.StartAsync(client, id))["instance"]!["id"]!.GetValue<string>();

        await MailWorkflows.DeliverAsync(fixture);
        var row = Assert.Single(await MailWorkflows.OutboxAsync(fixture, instanceId));
        Assert.Null(row.ProcessedAt);
        Assert.Equal(1, row.Attempts);
        Assert.Contains("451", row.LastError);
        Assert.Empty((await MailWorkflows.GetAsync(client, instanceId))["incidents"]!.AsArray());

        // Not due again before the back-off (30 s) has passed on the engine's clock.
        await MailWorkflows.DeliverAsync(fixture);
        Assert.Equal(1, Assert.Single(await MailWorkflows.OutboxAsync(fixture, instanceId)).Attempts);
        fixture.EngineClock.Advance(TimeSpan.FromSeconds(31));
        await MailWorkflows.DeliverAsync(fixture);
        Assert.Equal(2, Assert.Single(await MailWorkflows.OutboxAsync(fixture, instanceId)).Attempts);

        Assert.Equal("Finished", (await MailWorkflows.GetAsync(client, instanceId))["instance"]!["status"]!.GetValue<string>());
        Assert.Contains((await fixture.Smtp.ReceivedAsync()).Messages, m => m!["to"]!.AsArray().Any(a => a!.GetValue<string>() == to));
    }

    [Fact]
    public async Task ConnectionTest_IsForAdministrators_AndCanSendATestMessage()
    {
        var agent = await fixture.ClientAsync("bob");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostJsonAsync("/api/mail/test-connection", new { })).StatusCode);

        var admin = await fixture.ClientAsync("erin");
        var result = await OkAsync(await admin.PostJsonAsync("/api/mail/test-connection", new { to = "ops@example.org" }));
        Assert.False(result["devMailbox"]!.GetValue<bool>());
        Assert.Contains("Pipelining", result["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.StartsWith("250", result["reply"]!.GetValue<string>());
        Assert.Contains((await fixture.Smtp.ReceivedAsync()).Messages, m => m!["subject"]!.GetValue<string>() == "ItsmWorkflows: test message");

        var bad = await admin.PostJsonAsync("/api/mail/test-connection", new { to = "not an address" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/dev/mailbox", Ct)).StatusCode);
    }
}

/// <summary>The embedded default: no SMTP server, mail is kept in the dev mailbox.</summary>
public sealed class DevMailboxTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task WithoutSmtp_MailGoesToTheDevMailbox_WithItsLinks()
    {
        var (client, id) = await MailWorkflows.PublishAsync(fixture, MailWorkflows.SendEmail(MailWorkflows.NewId(), "carol@example.org"));
        var instanceId = (await MailWorkflows.StartAsync(client, id, "Carol"))["instance"]!["id"]!.GetValue<string>();

        await MailWorkflows.DeliverAsync(fixture);

        Assert.Equal("Finished", (await MailWorkflows.GetAsync(client, instanceId))["instance"]!["status"]!.GetValue<string>());
        var requester = await fixture.ClientAsync("alice");
        var list = (await OkAsync(await requester.GetAsync("/api/dev/mailbox", Ct))).AsArray();
        var message = list.Single(m => m!["instanceId"]?.GetValue<string>() == instanceId)!;
        Assert.Equal("Delivered", message["status"]!.GetValue<string>());
        Assert.Equal("Request for Carol received", message["subject"]!.GetValue<string>());

        var page = await requester.GetAsync($"/dev/mailbox/{message["id"]!.GetValue<string>()}", Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("sandbox=\"allow-popups", html);
        Assert.Contains("https://itsm.example.org/requests/REQ0001", html);
        Assert.DoesNotContain("<b>Carol</b>", html); // the message's HTML is only inside the frame, escaped
        Assert.Equal(HttpStatusCode.Unauthorized, (await (await fixture.ClientAsync(null)).GetAsync("/api/dev/mailbox", Ct)).StatusCode);

        var test = await OkAsync(await (await fixture.ClientAsync("erin")).PostJsonAsync("/api/mail/test-connection", new { }));
        Assert.True(test["devMailbox"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ApprovalEmail_InTheDevMailbox_HasAWorkingLink()
    {
        var definition = $$"""
            { "definitionId": "{{MailWorkflows.NewId()}}", "name": "dev approval",
              "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
                { "id": "Approve1", "type": "Itsm.RequestApproval",
                  "approvers": { "typeName": "String[]", "expression": { "type": "Literal", "value": "carol" } },
                  "title": { "typeName": "String", "expression": { "type": "Literal", "value": "Laptop for Alice" } },
                  "requester": { "typeName": "String", "expression": { "type": "Literal", "value": "alice" } } } ],
              "connections": [] } }
            """;
        var (client, id) = await MailWorkflows.PublishAsync(fixture, definition);
        await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
        await MailWorkflows.DeliverAsync(fixture);

        var carol = await fixture.ClientAsync("carol");
        var message = (await OkAsync(await carol.GetAsync("/api/dev/mailbox", Ct))).AsArray()
            .First(m => m!["subject"]!.GetValue<string>() == "Approval needed: Laptop for Alice")!;
        // Addressed to the person by name, as the notifications are.
        Assert.Equal("\"Carol Manager\" <carol@example.test>", message["to"]!.AsArray().Select(t => t!.GetValue<string>()).Single());
        var link = System.Text.RegularExpressions.Regex.Match(message["textBody"]!.GetValue<string>(), @"Approve: (\S+)").Groups[1].Value;
        Assert.StartsWith("http://localhost:5080/approvals/", link);
        var page = await carol.GetAsync(new Uri(link).PathAndQuery, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Laptop for Alice", await page.Content.ReadAsStringAsync(Ct));
    }
}

/// <summary>Production-like: no demo, no SMTP server configured.</summary>
public sealed class PostgresWithoutSmtpFixture : PostgresServerFixture
{
    protected override Task AddSettingsAsync(IDictionary<string, string?> settings)
    {
        settings["Demo:Enabled"] = "false";
        return Task.CompletedTask;
    }

    /// <summary>Signed in as the bootstrap administrator with the password (there is no demo sign-in here).</summary>
    public async Task<HttpClient> AdminAsync()
    {
        var client = await ClientAsync(null);
        (await client.PostJsonAsync("/account/login", new { userName = BootstrapAdmin, password = BootstrapPassword })).EnsureSuccessStatusCode();
        return client;
    }
}

/// <summary>Without an SMTP server outside the demo, mail waits in the outbox with a clear reason; no mailbox anyone could read.</summary>
public sealed class UnconfiguredMailTests(PostgresWithoutSmtpFixture fixture) : IClassFixture<PostgresWithoutSmtpFixture>
{
    [Fact]
    public async Task MailIsHeldWithAClearReason_AndThereIsNoDevMailbox()
    {
        var admin = await fixture.AdminAsync();
        var id = MailWorkflows.NewId();
        await OkAsync(await admin.PostAsync("/api/definitions/import?publish=true", Body(MailWorkflows.SendEmail(id, "ann@example.org")), Ct));
        var instanceId = (await MailWorkflows.StartAsync(admin, id))["instance"]!["id"]!.GetValue<string>();

        await MailWorkflows.DeliverAsync(fixture);

        var row = Assert.Single(await MailWorkflows.OutboxAsync(fixture, instanceId));
        Assert.Null(row.ProcessedAt);
        Assert.Contains("No SMTP server is configured", row.LastError);
        Assert.Equal("Suspended", (await MailWorkflows.GetAsync(admin, instanceId))["instance"]!["subStatus"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/dev/mailbox", Ct)).StatusCode);
        var test = await admin.PostJsonAsync("/api/mail/test-connection", new { });
        Assert.Equal(HttpStatusCode.InternalServerError, test.StatusCode);
        Assert.Contains("Mail__Smtp__Host", (await ReadAsync(test))["detail"]!.GetValue<string>());
    }
}

/// <summary>SMTP authentication: the right credentials sign in and send; wrong ones are reported, and mail waits.</summary>
public sealed class SmtpAuthenticationTests(PostgresSmtpRightCredentialsFixture right) : IClassFixture<PostgresSmtpRightCredentialsFixture>
{
    [Fact]
    public async Task RightCredentials_SignInAndSend()
    {
        var result = await OkAsync(await (await right.ClientAsync("erin")).PostJsonAsync("/api/mail/test-connection", new { to = "ops@example.org" }));
        Assert.True(result["authenticated"]!.GetValue<bool>());
        Assert.StartsWith("250", result["reply"]!.GetValue<string>());
    }
}

public sealed class SmtpWrongCredentialsTests(PostgresSmtpWrongCredentialsFixture wrong) : IClassFixture<PostgresSmtpWrongCredentialsFixture>
{
    [Fact]
    public async Task WrongCredentials_AreReportedClearly_AndMailWaits()
    {
        var admin = await wrong.ClientAsync("erin");
        var test = await admin.PostJsonAsync("/api/mail/test-connection", new { });
        Assert.Equal(HttpStatusCode.BadGateway, test.StatusCode);
        var detail = (await ReadAsync(test))["detail"]!.GetValue<string>();
        Assert.Contains("refused the configured credentials", detail);
        Assert.DoesNotContain("not-the-password", detail);

        var (client, id) = await MailWorkflows.PublishAsync(wrong, MailWorkflows.SendEmail(MailWorkflows.NewId(), "ann@example.org"));
        var instanceId = (await MailWorkflows.StartAsync(client, id))["instance"]!["id"]!.GetValue<string>();
        await MailWorkflows.DeliverAsync(wrong);
        var row = Assert.Single(await MailWorkflows.OutboxAsync(wrong, instanceId));
        Assert.Null(row.ProcessedAt);
        Assert.Contains("refused the configured credentials", row.LastError);
    }
}
