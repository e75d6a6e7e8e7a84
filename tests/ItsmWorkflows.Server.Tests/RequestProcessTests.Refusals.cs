using System.Net;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>What a request refuses before anything is raised, and cancelling one.</summary>
public sealed partial class RequestProcessTests
{
    [Fact]
    public async Task BadAnswers_AreRefusedFieldByField_AndNothingIsRaised()
    {
        await ImportAsync(fixture);
        var alice = await fixture.ClientAsync("alice");
        int Count()
        {
            using var scope = fixture.Factory.Services.CreateScope();
            return scope.ServiceProvider.GetRequiredService<ItsmDbContext>().Tickets.Count();
        }
        var before = Count();

        var response = await alice.PostJsonAsync("/api/requests", new { catalogItemId = "new-laptop", answers = new { model = "Gaming rig", neededBy = "tomorrow", colour = "red" } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await ReadAsync(response);
        var errors = problem["errors"]!.AsObject();
        Assert.Contains("must be one of", errors["model"]![0]!.GetValue<string>());
        Assert.Contains("is required", errors["reason"]![0]!.GetValue<string>());
        Assert.Contains("date", errors["neededBy"]![0]!.GetValue<string>());
        Assert.Contains("no such field", errors["colour"]![0]!.GetValue<string>());
        // A field takes one value: an object or a list would be stored, and emailed to the approver, as raw JSON.
        var structured = await alice.PostAsync("/api/requests", Body("""{ "catalogItemId": "new-laptop", "answers": { "model": "Performance 16\"", "reason": { "a": [1, 2] } } }"""), Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, structured.StatusCode);
        Assert.Contains("takes a single value, not an object", (await ReadAsync(structured))["errors"]!["reason"]![0]!.GetValue<string>());
        // "Needed by" cannot be in the past (the approver was asked about a laptop needed in 2020).
        var past = await alice.PostJsonAsync("/api/requests", new { catalogItemId = "new-laptop", answers = new { model = "Performance 16\"", reason = "Old one broke", neededBy = "2020-01-01" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, past.StatusCode);
        Assert.Equal("Needed by cannot be in the past.", (await ReadAsync(past))["errors"]!["neededBy"]![0]!.GetValue<string>());
        Assert.Equal(before, Count());
        Assert.Equal(HttpStatusCode.NotFound, (await alice.PostJsonAsync("/api/requests", new { catalogItemId = "jetpack", answers = new { } })).StatusCode);

        // A wrong JSON type is named by its place in the body, never by a .NET type.
        var wrongType = await alice.PostAsync("/api/requests", Body("{ \"catalogItemId\": 5 }"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        var text = (await ReadAsync(wrongType))["detail"]!.GetValue<string>();
        Assert.Contains("'$.catalogItemId'", text);
        Assert.DoesNotContain("ItsmWorkflows", text);
        // Broken JSON is called broken, not a wrong type at the place it broke; valid JSON of the wrong shape says so.
        var cut = await alice.PostAsync("/api/requests", Body("{\"catalogItemId\":"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, cut.StatusCode);
        Assert.StartsWith("The request body is not valid JSON (line 1", (await ReadAsync(cut))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var list = await alice.PostAsync("/api/requests", Body("[1, 2]"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
        Assert.Contains("wrong shape: this endpoint takes a JSON object", (await ReadAsync(list))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var noBody = await alice.PostAsync("/api/requests", Body(""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noBody.StatusCode);
        Assert.Contains("needs a JSON body", (await ReadAsync(noBody))["detail"]!.GetValue<string>());
        // Only staff raise tickets for someone else: a requester is refused as not allowed, not as a bad request.
        var forSomeoneElse = await alice.PostJsonAsync("/api/requests", new { catalogItemId = "vpn-access", answers = new { reason = "Travel" }, requestedFor = "bob" });
        Assert.Equal(HttpStatusCode.Forbidden, forSomeoneElse.StatusCode);
        Assert.Contains("Only service desk staff can raise a ticket on someone else's behalf", (await ReadAsync(forSomeoneElse))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, Count());
        var anonymous = await (await fixture.ClientAsync(null)).PostJsonAsync("/api/requests", new { catalogItemId = "vpn-access" });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Sign in first", (await ReadAsync(anonymous))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ItemWhoseProcessIsNotPublished_IsRefused_AndNoTicketIsLeft()
    {
        await ImportAsync(fixture);
        var dave = await fixture.ClientAsync("dave");
        var id = "draft-" + Guid.NewGuid().ToString("N")[..8];
        await OkAsync(await dave.PostAsync("/api/definitions", Body(Definition(id)), Ct));
        await OkAsync(await dave.PutAsync("/api/catalog/monitor", Body($$"""
            { "id": "monitor", "name": "Second monitor", "form": [], "approvalRequired": false, "approvers": [], "approvalRule": "Any",
              "fulfilmentGroup": "Desktop Support", "tasks": [{ "title": "Deliver the monitor", "group": "Desktop Support" }],
              "workflowDefinitionId": "{{id}}", "price": 180, "active": true }
            """), Ct));
        int Count()
        {
            using var scope = fixture.Factory.Services.CreateScope();
            return scope.ServiceProvider.GetRequiredService<ItsmDbContext>().Tickets.Count();
        }
        var before = Count();

        var response = await (await fixture.ClientAsync("alice")).PostJsonAsync("/api/requests", new { catalogItemId = "monitor", answers = new { } });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("has no published version", (await ReadAsync(response))["detail"]!.GetValue<string>());
        Assert.Equal(before, Count());
        // The catalog says what currency its prices are in, and keeps an item's delivery target; a non-positive one is refused.
        var monitor = await OkAsync(await dave.GetAsync("/api/catalog/monitor", Ct));
        Assert.Equal(("EUR", 180m), (monitor["currency"]!.GetValue<string>(), monitor["price"]!.GetValue<decimal>()));
        Assert.Equal("16:00:00", (await OkAsync(await dave.GetAsync("/api/catalog/software-access", Ct)))["deliveryTarget"]!.GetValue<string>());
        var badTarget = await dave.PutAsync("/api/catalog/monitor", Body($$"""
            { "id": "monitor", "name": "Second monitor", "form": [], "approvalRequired": false, "approvers": [], "approvalRule": "Any",
              "fulfilmentGroup": "Desktop Support", "tasks": [], "workflowDefinitionId": "{{id}}", "price": 180, "active": true, "deliveryTarget": "-01:00:00" }
            """), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badTarget.StatusCode);
        Assert.Contains("delivery target is a positive working time", (await ReadAsync(badTarget))["detail"]!.GetValue<string>());
        // A fulfilment task needs its title: one without reached its group as "null for Alice Requester".
        var untitled = await dave.PutAsync("/api/catalog/monitor", Body($$"""
            { "id": "monitor", "name": "Second monitor", "form": [], "approvalRequired": false, "approvers": [], "approvalRule": "Any",
              "fulfilmentGroup": "Desktop Support", "tasks": [{ "name": "Deliver the monitor", "group": "Desktop Support" }], "workflowDefinitionId": "{{id}}", "price": 180, "active": true }
            """), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, untitled.StatusCode);
        Assert.Contains("Task 1 needs a title (what to do) and a group (who does it).", (await ReadAsync(untitled))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // A catalog item cannot name groups that do not exist.
        Assert.Equal(HttpStatusCode.BadRequest, (await dave.PutAsync("/api/catalog/monitor", Body($$"""
            { "id": "monitor", "name": "Second monitor", "form": [], "approvalRequired": false, "approvers": [], "approvalRule": "Any",
              "fulfilmentGroup": "Desk Elves", "tasks": [], "workflowDefinitionId": "{{id}}", "price": 180, "active": true }
            """), Ct)).StatusCode);
        // Nor approvers nobody could be (every request's approval would fault, its requester left waiting), nor a
        // number field no answer could satisfy; the item stays as it was.
        var badApprovers = await dave.PutAsync("/api/catalog/monitor", Body($$"""
            { "id": "monitor", "name": "Second monitor", "form": [], "approvalRequired": true, "approvers": ["nosuchuser", "group:Desk Elves", "manager", "carol", "ext@partner.test"], "approvalRule": "Any",
              "fulfilmentGroup": "Desktop Support", "tasks": [], "workflowDefinitionId": "{{id}}", "price": 180, "active": true }
            """), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badApprovers.StatusCode);
        Assert.Contains("these are none: 'nosuchuser' (nobody has that user name), 'group:Desk Elves' (no group Desk Elves).", (await ReadAsync(badApprovers))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var badRange = await dave.PutAsync("/api/catalog/monitor", Body($$"""
            { "id": "monitor", "name": "Second monitor", "form": [{ "name": "count", "label": "How many", "type": "number", "required": true, "min": 10, "max": 1 }],
              "approvalRequired": false, "approvers": [], "approvalRule": "Any",
              "fulfilmentGroup": "Desktop Support", "tasks": [], "workflowDefinitionId": "{{id}}", "price": 180, "active": true }
            """), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badRange.StatusCode);
        Assert.Contains("Field 'count' has a minimum (10) above its maximum (1)", (await ReadAsync(badRange))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False((await OkAsync(await dave.GetAsync("/api/catalog/monitor", Ct)))["approvalRequired"]!.GetValue<bool>());
        // Approvers are kept as checked: " manager " is the requester's manager, not a name nobody has.
        await OkAsync(await dave.PutAsync("/api/catalog/monitor", Body($$"""
            { "id": "monitor", "name": "Second monitor", "form": [], "approvalRequired": true, "approvers": [" manager ", " group:Desktop Support"], "approvalRule": "Any",
              "fulfilmentGroup": "Desktop Support", "tasks": [], "workflowDefinitionId": "{{id}}", "price": 180, "active": true }
            """), Ct));
        Assert.Equal(["manager", "group:Desktop Support"], (await OkAsync(await dave.GetAsync("/api/catalog/monitor", Ct)))["approvers"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task Cancelled_WithdrawsTheOpenTasks_AndOnlyTheRequesterOrStaffMayCancel()
    {
        var (bob, number) = await RequestAsync("bob", "vpn-access", new { reason = "Travel" });
        var task = Assert.Single(await OpenTasksAsync(bob, number));
        var kate = await fixture.ClientAsync("kate");
        Assert.Equal(HttpStatusCode.NotFound, (await kate.PostJsonAsync($"/api/requests/{number}/cancel", new { reason = "not mine" })).StatusCode);

        await OkAsync(await bob.PostJsonAsync($"/api/requests/{number}/cancel", new { reason = "Trip cancelled" }));

        var detail = await TicketAsync(bob, number);
        Assert.Equal("Cancelled", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal("Cancelled", detail["tasks"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("Cancelled", detail["processStatus"]!.GetValue<string>());
        // Its delivery clock stops with it, as called off: not running on, not a breach to come, not in the attainment.
        var clock = detail["sla"]!["delivery"]!;
        Assert.True(clock["cancelled"]!.GetValue<bool>());
        Assert.NotNull(clock["stoppedAt"]);
        Assert.False(clock["breached"]!.GetValue<bool>());
        var listed = await OkAsync(await bob.GetAsync($"/api/tickets?requester=bob&progress=true&pageSize=200", Ct));
        Assert.Equal("cancelled", listed["progress"]![number]!["sla"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await (await fixture.ClientAsync("nina")).PostJsonAsync($"/api/tasks/{task.Number}/close", new { state = "Complete" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await bob.PostJsonAsync($"/api/requests/{number}/cancel", new { })).StatusCode);
    }

    [Fact]
    public async Task AnotherGroupsAgent_MayNotCancelSomeonesRequest_AndTheRequesterHearsWhenStaffDo()
    {
        var (alice, number) = await RequestAsync("alice", "vpn-access", new { reason = "Conference in Lisbon" });
        var group = (await TicketAsync(alice, number))["ticket"]!["assignmentGroup"]!.GetValue<string>();
        Assert.NotEqual("Desktop Support", group);
        var before = await StatusAsync(alice, number);
        // frank works Desktop Support: he sees every ticket, but this one is not his to call off.
        var refused = await (await fixture.ClientAsync("frank")).PostJsonAsync($"/api/requests/{number}/cancel", new { reason = "tidying up" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains($"Only {number}'s requester, its assignee, an agent of {group} or a process owner can cancel it.", (await ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await StatusAsync(alice, number));

        await OkAsync(await (await fixture.ClientAsync("dave")).PostJsonAsync($"/api/requests/{number}/cancel", new { reason = "Duplicate of an earlier request" }));
        await SettleAsync(fixture);
        var told = Assert.Single((await fixture.Smtp.ReceivedAsync()).Messages, m => m!["subject"]!.GetValue<string>() == $"Your request {number} was cancelled");
        Assert.Equal("alice@example.test", told!["to"]!.AsArray().Single()!.GetValue<string>());
        Assert.Contains("Dave Owner cancelled your request", told["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("\u201cDuplicate of an earlier request\u201d", told["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
