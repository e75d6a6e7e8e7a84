using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>The emails about a ticket: who may read whose address on its page, and what the email about a task says.</summary>
public sealed class TicketEmailTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private async Task<string> PersonAsync(string prefix, string displayName, string? emailLocalPart = null, string? managerUserName = null)
    {
        var userName = prefix + Guid.NewGuid().ToString("N")[..6];
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
        var manager = managerUserName is null ? null : await users.FindByNameAsync(managerUserName);
        var created = await users.CreateAsync(new Person { UserName = userName, Email = $"{emailLocalPart ?? userName}@example.test", DisplayName = displayName, ManagerId = manager?.Id });
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        return userName;
    }

    [Fact]
    public async Task Detail_ForItsRequester_ShowsEachEmailAndItsSubject_ButNobodyElsesAddress_WhileStaffSeeTheRecipients()
    {
        await ImportAsync(fixture);
        // Her manager approves her laptop; the mail server refuses his address for good, naming it in its reply.
        var refused = "reject-mark" + Guid.NewGuid().ToString("N")[..6];
        var managerAddress = refused + "@example.test";
        var manager = await PersonAsync("mark", "Mark Manager", emailLocalPart: refused);
        var requester = await PersonAsync("rose", "Rose Requester", managerUserName: manager);
        var rose = await fixture.ClientAsync(requester);
        var number = (await OkAsync(await rose.PostJsonAsync("/api/requests", new { catalogItemId = "new-laptop", answers = new { model = "Performance 16\"", reason = "Renders" } })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);

        var seenByRose = (await TicketAsync(rose, number))["emails"]!.AsArray();
        var approvalMail = Assert.Single(seenByRose, e => e!["subject"]!.GetValue<string>().StartsWith("Approval needed", StringComparison.Ordinal))!;
        Assert.Empty(approvalMail["to"]!.AsArray());
        Assert.True(approvalMail["failed"]!.GetValue<bool>()); // she still learns it could not be delivered, and why
        Assert.Contains("Recipient address rejected", approvalMail["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(managerAddress, seenByRose.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        // Her own address is hers to see.
        var received = Assert.Single(seenByRose, e => e!["subject"]!.GetValue<string>() == $"We received your request {number}")!;
        Assert.Contains($"{requester}@example.test", Assert.Single(received["to"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);

        // Staff see whom each email went to.
        var seenByBob = (await TicketAsync(await fixture.ClientAsync("bob"), number))["emails"]!.AsArray();
        var approvalForStaff = Assert.Single(seenByBob, e => e!["subject"]!.GetValue<string>().StartsWith("Approval needed", StringComparison.Ordinal))!;
        Assert.Equal([managerAddress], approvalForStaff["to"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Contains(managerAddress, approvalForStaff["error"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ATaskOfTheRequestProcess_IsEmailedToItsGroup_AsItOpens_WithItsNumber()
    {
        await ImportAsync(fixture);
        var alice = await fixture.ClientAsync("alice");
        var number = (await OkAsync(await alice.PostJsonAsync("/api/requests", new { catalogItemId = "vpn-access", answers = new { reason = "On call from home" } })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);
        var bob = await fixture.ClientAsync("bob");
        var task = Assert.Single(await OpenTasksAsync(bob, number));

        // One email to the group (Network: nina), which names the task so she can find it, and whose button opens it.
        var mail = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith("New task", StringComparison.Ordinal));
        Assert.Equal(["nina@example.test"], mail.To);
        Assert.StartsWith($"New task {task.Number} for Network from {number}: ", mail.Subject, StringComparison.Ordinal);
        Assert.Contains($"A new task {task.Number} from {number}", mail.Text, StringComparison.Ordinal);
        Assert.Contains($"(http://localhost:5080/portal/#/tickets/{task.Number})", mail.Text, StringComparison.Ordinal);
        Assert.Contains("On call from home", mail.Text, StringComparison.Ordinal); // the requester's answers, as facts
        // The request's page lists it with its other emails, sent.
        Assert.Contains((await TicketAsync(bob, number))["emails"]!.AsArray(), e => e!["subject"]!.GetValue<string>() == mail.Subject && e["sentAt"] is not null);
    }

    [Fact]
    public async Task ATaskForAPerson_IsEmailedToThemAlone_WithItsNumber()
    {
        var parent = "REQ9" + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var title = "Swap the dock " + Guid.NewGuid().ToString("N")[..6];
        var (owner, id) = await MailWorkflows.PublishAsync(fixture, $$"""
            { "definitionId": "{{MailWorkflows.NewId()}}", "name": "A task for frank",
              "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
                { "id": "Task1", "type": "Itsm.CreateTask",
                  "title": { "typeName": "String", "expression": { "type": "Literal", "value": "{{title}}" } },
                  "assignmentGroup": { "typeName": "String", "expression": { "type": "Literal", "value": "Desktop Support" } },
                  "assignee": { "typeName": "String", "expression": { "type": "Literal", "value": "frank" } },
                  "ticket": { "typeName": "String", "expression": { "type": "Literal", "value": "{{parent}}" } },
                  "notify": { "typeName": "Boolean", "expression": { "type": "Literal", "value": "true" } } } ],
              "connections": [] } }
            """);
        await MailWorkflows.StartAsync(owner, id);
        await SettleAsync(fixture);

        var task = Assert.Single((await OkAsync(await owner.GetAsync($"/api/tickets?kind=Task&parent={parent}", Ct)))["items"]!.AsArray())!["number"]!.GetValue<string>();
        var mail = Assert.Single(await MailAboutAsync(fixture, task));
        Assert.Equal(["frank@example.test"], mail.To);
        Assert.Equal($"New task {task} for Desktop Support from {parent}: {title}", mail.Subject);
        Assert.Contains("It is in your queue under that number", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatTheProcessWroteInTheHistory_ReachesTheRequester_WithoutAnExternalApproversAddress()
    {
        await ImportAsync(fixture);
        // A catalog item approved by someone outside the directory: request-fulfilment notes "Approval requested from …".
        var dave = await fixture.ClientAsync("dave");
        var item = await OkAsync(await dave.GetAsync("/api/catalog/new-laptop", Ct));
        var id = "laptop-vendor-" + Guid.NewGuid().ToString("N")[..6];
        item["id"] = id;
        item["approvers"] = new System.Text.Json.Nodes.JsonArray("ext@partner.test", "carol");
        await OkAsync(await dave.PutAsync($"/api/catalog/{id}", Body(item.ToJsonString()), Ct));
        var requester = await PersonAsync("rose", "Rose Requester");
        var rose = await fixture.ClientAsync(requester);
        var number = (await OkAsync(await rose.PostJsonAsync("/api/requests", new { catalogItemId = id, answers = new { model = "Performance 16\"", reason = "Renders" } })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);

        var forStaff = (await TicketAsync(await fixture.ClientAsync("bob"), number))["history"]!.AsArray().Select(e => e!["text"]!.GetValue<string>()).ToList();
        Assert.Contains("New → Awaiting approval: Approval requested from ext@partner.test, Carol Manager", forStaff);
        var forRose = await TicketAsync(rose, number);
        Assert.Contains("New → Awaiting approval: Approval requested from (someone's address), Carol Manager", forRose["history"]!.AsArray().Select(e => e!["text"]!.GetValue<string>()));
        Assert.DoesNotContain("ext@partner.test", forRose.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }
    [Fact]
    public async Task ATaskTheProcessOpened_ReachesTheRequester_WithoutOthersAddresses_InItsTitleOrInstructions()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var dave = await fixture.ClientAsync("dave");
        var json = $$"""
            { "definitionId": "vendor-{{suffix}}", "name": "vendor-{{suffix}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Task", "type": "Itsm.CreateTask",
                "title": { "typeName": "String", "expression": { "type": "Literal", "value": "Ask ext@partner.test for a quote" } },
                "description": { "typeName": "String", "expression": { "type": "Literal", "value": "Write to ext@partner.test, copy the requester." } },
                "assignmentGroup": { "typeName": "String", "expression": { "type": "Literal", "value": "Desktop Support" } },
                "notify": { "typeName": "Boolean", "expression": { "type": "Literal", "value": "false" } } } ], "connections": [] } }
            """;
        await OkAsync(await dave.PostAsync("/api/definitions/import?publish=true", Body(json), Ct));
        await CatalogItemRunningAsync(dave, "vendored-" + suffix, "vendor-" + suffix);
        var rose = await fixture.ClientAsync(await PersonAsync("rose", "Rose Requester"));
        var number = (await OkAsync(await rose.PostJsonAsync("/api/requests", new { catalogItemId = "vendored-" + suffix, answers = new { model = "Performance 16\"", reason = "Renders" } })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);

        var forStaff = await TicketAsync(await fixture.ClientAsync("bob"), number);
        var task = Assert.Single(forStaff["tasks"]!.AsArray())!;
        Assert.Equal("Ask ext@partner.test for a quote", task["title"]!.GetValue<string>());
        var taskNumber = task["number"]!.GetValue<string>();
        var forRose = await TicketAsync(rose, number);
        Assert.Equal("Ask (someone's address) for a quote", Assert.Single(forRose["tasks"]!.AsArray())!["title"]!.GetValue<string>());
        var taskForRose = await TicketAsync(rose, taskNumber);
        Assert.Equal("Write to (someone's address), copy the requester.", taskForRose["ticket"]!["description"]!.GetValue<string>());
        // Listed, the task reads as on its page: under its request, among her tasks, among everything of hers.
        var lists = new List<JsonNode>();
        foreach (var query in new[] { $"parent={number}", "kind=Task", "pageSize=200" })
        {
            var list = await OkAsync(await rose.GetAsync($"/api/tickets?{query}", Ct));
            Assert.Contains(list["items"]!.AsArray(), t => t!["number"]!.GetValue<string>() == taskNumber && t["title"]!.GetValue<string>() == "Ask (someone's address) for a quote");
            lists.Add(list);
        }
        Assert.DoesNotContain("ext@partner.test", forRose.ToJsonString() + taskForRose.ToJsonString() + string.Concat(lists.Select(l => l.ToJsonString())), StringComparison.OrdinalIgnoreCase);
        var staffList = await OkAsync(await (await fixture.ClientAsync("bob")).GetAsync($"/api/tickets?parent={number}", Ct));
        Assert.Equal("Ask ext@partner.test for a quote", Assert.Single(staffList["items"]!.AsArray())!["title"]!.GetValue<string>());
    }
}
