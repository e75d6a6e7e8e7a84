using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>POST /api/tickets/{number}/assign: only a group's agents, and only with the revision read, on each provider.</summary>
public abstract class TicketAssignmentTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    /// <summary>A VPN request (no approval), whose first fulfilment task goes to Network: (request, task).</summary>
    private async Task<(string Request, JsonNode Task)> RequestWithTaskAsync()
    {
        await ImportAsync(fixture);
        var bob = await fixture.ClientAsync("bob");
        var number = (await OkAsync(await bob.PostJsonAsync("/api/requests", new { catalogItemId = "vpn-access", answers = new { reason = "On call" } })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);
        var task = Assert.Single((await TicketAsync(bob, number))["tasks"]!.AsArray())!;
        Assert.Equal("Network", task["assignmentGroup"]!.GetValue<string>());
        return (number, task);
    }

    private static async Task<JsonNode> ReadTicketAsync(HttpClient client, string number) => (await TicketAsync(client, number))["ticket"]!;

    [Fact]
    public async Task Assign_SomeoneOutsideTheGroup_IsRefused_ForTasksAndOtherTickets_AndChangesNothing()
    {
        var (request, task) = await RequestWithTaskAsync();
        var taskNumber = task["number"]!.GetValue<string>();
        var bob = await fixture.ClientAsync("bob");

        // A requester, and an agent of another group: neither works for Network.
        foreach (var outsider in new[] { "alice", "frank" })
        {
            var refused = await bob.PostJsonAsync($"/api/tickets/{taskNumber}/assign", new { assignee = outsider, assignmentGroup = "Network", revision = task["revision"]!.GetValue<long>() });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var detail = (await ReadAsync(refused))["detail"]!.GetValue<string>();
            Assert.Contains($"{outsider} does not work for Network", detail, StringComparison.Ordinal);
            Assert.Contains("nina", detail, StringComparison.Ordinal); // who could take it instead
        }
        // A member of the group who is no agent (carol approves for the CAB) cannot work it either.
        var approver = await bob.PostJsonAsync($"/api/tickets/{taskNumber}/assign", new { assignee = "carol", assignmentGroup = "Change Advisory Board", revision = task["revision"]!.GetValue<long>() });
        Assert.Equal(HttpStatusCode.BadRequest, approver.StatusCode);
        Assert.Contains("carol does not work for Change Advisory Board", (await ReadAsync(approver))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var unchanged = await ReadTicketAsync(bob, taskNumber);
        Assert.Null(unchanged["assignee"]);
        Assert.Equal(("Network", task["revision"]!.GetValue<long>()), (unchanged["assignmentGroup"]!.GetValue<string>(), unchanged["revision"]!.GetValue<long>()));

        // The request follows the same rule.
        var parent = await ReadTicketAsync(bob, request);
        var onRequest = await bob.PostJsonAsync($"/api/tickets/{request}/assign", new { assignee = "alice", revision = parent["revision"]!.GetValue<long>() });
        Assert.Equal(HttpStatusCode.BadRequest, onRequest.StatusCode);
        Assert.Contains($"alice does not work for {parent["assignmentGroup"]!.GetValue<string>()}", (await ReadAsync(onRequest))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // One of the group's agents is fine; moving the group away from her without a new assignee is refused.
        var assigned = await OkAsync(await bob.PostJsonAsync($"/api/tickets/{taskNumber}/assign", new { assignee = "nina", assignmentGroup = "Network", revision = task["revision"]!.GetValue<long>() }));
        Assert.Equal("nina", assigned["assignee"]!.GetValue<string>());
        var moved = await bob.PostJsonAsync($"/api/tickets/{taskNumber}/assign", new { assignmentGroup = "Desktop Support", revision = assigned["revision"]!.GetValue<long>() });
        Assert.Equal(HttpStatusCode.BadRequest, moved.StatusCode);
        Assert.Contains("nina does not work for Desktop Support", (await ReadAsync(moved))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await OkAsync(await bob.PostJsonAsync($"/api/tickets/{taskNumber}/assign", new { assignmentGroup = "Desktop Support", assignee = "", revision = assigned["revision"]!.GetValue<long>() }));
    }

    /// <summary>The emails in the outbox that name this ticket in their subject: (to, subject).</summary>
    private async Task<List<(string To, string Subject)>> EmailsAboutAsync(string number)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Data.ItsmDbContext>();
        var rows = await db.Outbox.AsNoTracking().Where(o => o.Kind == ItsmWorkflows.Engine.Activities.Email.EmailMessage.OutboxKind).Select(o => o.Payload).ToListAsync(Ct);
        return [.. rows.Select(ItsmWorkflows.Engine.Activities.Email.EmailMessage.FromJson).Where(m => m.Subject.StartsWith(number + " ", StringComparison.Ordinal))
            .Select(m => (string.Join(", ", m.To), m.Subject))];
    }

    [Fact]
    public async Task Reassigning_TellsTheNewAssignee_OrTheNewGroup_ButNotWhoeverTookItThemself()
    {
        var (_, task) = await RequestWithTaskAsync();
        var taskNumber = task["number"]!.GetValue<string>();
        var title = task["title"]!.GetValue<string>();
        var bob = await fixture.ClientAsync("bob");
        Assert.Empty(await EmailsAboutAsync(taskNumber));

        // Bob gives it to Nina: she hears of it, by name, with the task's number.
        var toNina = await OkAsync(await bob.PostJsonAsync($"/api/tickets/{taskNumber}/assign", new { assignee = "nina", assignmentGroup = "Network", revision = task["revision"]!.GetValue<long>() }));
        var first = Assert.Single(await EmailsAboutAsync(taskNumber));
        Assert.Equal(("Nina Network <nina@example.test>", $"{taskNumber} assigned to you: {title}"), first);

        // Moved to Desktop Support with nobody named: the group's members hear of it (Bob, who moved it, does not).
        var moved = await OkAsync(await bob.PostJsonAsync($"/api/tickets/{taskNumber}/assign", new { assignmentGroup = "Desktop Support", assignee = "", revision = toNina["revision"]!.GetValue<long>() }));
        var emails = await EmailsAboutAsync(taskNumber);
        Assert.Equal(2, emails.Count);
        Assert.Contains(("Frank Desktop <frank@example.test>", $"{taskNumber} assigned to Desktop Support: {title}"), emails);

        // Frank takes it: nobody is told.
        var taken = await OkAsync(await (await fixture.ClientAsync("frank")).PostJsonAsync($"/api/tickets/{taskNumber}/assign", new { assignee = "frank", revision = moved["revision"]!.GetValue<long>() }));
        Assert.Equal(2, (await EmailsAboutAsync(taskNumber)).Count);

        // Moved to the Change Advisory Board: its staff (Dave, Nina) hear of it, not Carol, who only approves for it.
        await OkAsync(await bob.PostJsonAsync($"/api/tickets/{taskNumber}/assign", new { assignmentGroup = "Change Advisory Board", assignee = "", revision = taken["revision"]!.GetValue<long>() }));
        var toBoard = (await EmailsAboutAsync(taskNumber)).Last();
        Assert.Equal(("Dave Owner <dave@example.test>, Nina Network <nina@example.test>", $"{taskNumber} assigned to Change Advisory Board: {title}"), toBoard);
    }

    [Fact]
    public async Task Assign_WithoutARevision_Is400_AndChangesNothing()
    {
        var (_, task) = await RequestWithTaskAsync();
        var taskNumber = task["number"]!.GetValue<string>();
        var bob = await fixture.ClientAsync("bob");

        var refused = await bob.PostJsonAsync($"/api/tickets/{taskNumber}/assign", new { assignee = "nina", assignmentGroup = "Network" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Send the revision you read", (await ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null((await ReadTicketAsync(bob, taskNumber))["assignee"]);
    }
}

public sealed class TicketAssignmentSqliteTests(SqliteServerFixture fixture) : TicketAssignmentTests<SqliteServerFixture>(fixture);

public sealed class TicketAssignmentPostgresTests(PostgresServerFixture fixture) : TicketAssignmentTests<PostgresServerFixture>(fixture);
