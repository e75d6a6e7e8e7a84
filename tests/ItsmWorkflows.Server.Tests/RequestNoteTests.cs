using System.Net;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// A requester's note on her request reaches whoever fulfils it (its open tasks' people, else the request's own group),
/// as an incident caller's notes reach whoever works it, and while it awaits approval the approvers who have not decided;
/// on PostgreSQL with the shipped process and a real SMTP server.
/// </summary>
public sealed class RequestNoteTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private async Task NoteAsync(string author, string number, string text, bool? @internal = null)
    {
        var client = await fixture.ClientAsync(author);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostJsonAsync($"/api/tickets/{number}/notes", new { text, @internal })).StatusCode);
        await SettleAsync(fixture);
    }

    /// <summary>The emails about the request that say its requester wrote, as (to, text).</summary>
    private async Task<List<(string[] To, string Text)>> WroteAsync(string number) =>
        [.. (await MailAboutAsync(fixture, number)).Where(m => m.Subject == $"{number}: Alice Requester wrote").Select(m => (m.To, m.Text))];

    [Fact]
    public async Task TheRequestersNote_ReachesWhoeverHasItsTask_AndStaffNotesReachNobody()
    {
        await ImportAsync(fixture);
        var alice = await fixture.ClientAsync("alice");
        var number = (await OkAsync(await alice.PostJsonAsync("/api/requests", new { catalogItemId = "vpn-access", answers = new { reason = "Working from Lisbon" } })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);
        var task = Assert.Single(await OpenTasksAsync(await fixture.ClientAsync("bob"), number));
        Assert.Equal("Network", task.Group);

        await NoteAsync("alice", number, "I travel on Monday, could it be ready by then?");

        // Network (nina) hears it, with her words, the task it waits on and a link to the request; she does not hear herself.
        var wrote = Assert.Single(await WroteAsync(number));
        Assert.Equal(["nina@example.test"], wrote.To);
        Assert.Contains("I travel on Monday, could it be ready by then?", wrote.Text, StringComparison.Ordinal);
        Assert.Contains($"Alice Requester wrote on request {number} (VPN access), whose task {task.Number} is open", wrote.Text, StringComparison.Ordinal);
        Assert.Contains($"(http://localhost:5080/portal/#/tickets/{number})", wrote.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(await MailAboutAsync(fixture, number), m => m.To.Contains("alice@example.test") && m.Subject.EndsWith(" wrote", StringComparison.Ordinal));

        // Staff notes, for her or for each other, are nobody's news.
        await NoteAsync("bob", number, "Network has it, it should be ready today");
        await NoteAsync("nina", number, "Profile template needs the new certificate", @internal: true);
        Assert.Single(await WroteAsync(number));
        Assert.DoesNotContain(await MailAboutAsync(fixture, number), m => m.Text.Contains("it should be ready today", StringComparison.Ordinal) || m.Text.Contains("new certificate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheRequestersNote_FollowsTheWork_FromTheRequestsGroup_ToEachTasksPeople_AndAClosedRequestTellsNobody()
    {
        await ImportAsync(fixture);
        var alice = await fixture.ClientAsync("alice");
        var bob = await fixture.ClientAsync("bob");
        var erin = await fixture.ClientAsync("erin");
        var number = (await OkAsync(await alice.PostJsonAsync("/api/requests", new { catalogItemId = "new-laptop", answers = new { model = "Standard 14\"", reason = "Mine broke" } })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);
        Assert.Equal("Awaiting approval", await StatusAsync(alice, number));

        // No task yet: the request's own group (Desktop Support: frank).
        await NoteAsync("alice", number, "Note one");
        Assert.Equal(["frank@example.test"], Assert.Single(await WroteAsync(number), m => m.Text.Contains("Note one", StringComparison.Ordinal)).To);

        // Approved: the first task is Desktop Support's.
        await OkAsync(await DecideAsync(fixture, "carol", number, "Approved"));
        var first = Assert.Single(await OpenTasksAsync(bob, number));
        Assert.Equal("Desktop Support", first.Group);
        await NoteAsync("alice", number, "Note two");
        var two = Assert.Single(await WroteAsync(number), m => m.Text.Contains("Note two", StringComparison.Ordinal));
        Assert.Equal(["frank@example.test"], two.To);
        Assert.Contains($"whose task {first.Number} is open", two.Text, StringComparison.Ordinal);

        // The second task is the Service Desk's: both its agents hear, unless one is switched off.
        await CloseTaskAsync(fixture, "frank", first.Number);
        var second = Assert.Single(await OpenTasksAsync(bob, number));
        Assert.Equal("Service Desk", second.Group);
        await NoteAsync("alice", number, "Note three");
        Assert.Equal(["bob@example.test", "ivan@example.test"], Assert.Single(await WroteAsync(number), m => m.Text.Contains("Note three", StringComparison.Ordinal)).To);
        await OkAsync(await erin.PostAsync("/api/people/ivan/disable", null, Ct));
        try
        {
            await NoteAsync("alice", number, "Note four");
            Assert.Equal(["bob@example.test"], Assert.Single(await WroteAsync(number), m => m.Text.Contains("Note four", StringComparison.Ordinal)).To);
        }
        finally
        {
            await OkAsync(await erin.PostAsync("/api/people/ivan/enable", null, Ct));
        }

        // Ivan takes it: he alone hears, not his group.
        var revision = (await TicketAsync(bob, second.Number))["ticket"]!["revision"]!.GetValue<long>();
        await OkAsync(await bob.PostJsonAsync($"/api/tickets/{second.Number}/assign", new { assignee = "ivan", assignmentGroup = "Service Desk", revision }));
        await NoteAsync("alice", number, "Note five");
        Assert.Equal(["ivan@example.test"], Assert.Single(await WroteAsync(number), m => m.Text.Contains("Note five", StringComparison.Ordinal)).To);

        // Fulfilled, it is closed: her note stays in its history and reaches nobody, as on a closed incident.
        await CloseTaskAsync(fixture, "ivan", second.Number);
        Assert.Equal("Fulfilled", await StatusAsync(alice, number));
        // Its email says where to turn instead of inviting a reply nobody would read.
        var done = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Your request {number} is fulfilled");
        Assert.Contains($"If something is not right, report an incident from the portal and mention {number}.", done.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Reply", done.Text, StringComparison.Ordinal);
        await NoteAsync("alice", number, "Note six");
        Assert.Contains((await TicketAsync(bob, number))["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == "Note six");
        Assert.Equal(5, (await WroteAsync(number)).Count);
    }

    [Fact]
    public async Task TheRequestersNote_WhileItAwaitsApproval_ReachesTheApproversWhoHaveNotDecided_AndTheirDelegate()
    {
        await ImportAsync(fixture);
        var dave = await fixture.ClientAsync("dave");
        var erin = await fixture.ClientAsync("erin");
        var alice = await fixture.ClientAsync("alice");
        // A laptop both her manager (carol) and henry must approve.
        var itemId = "laptop-" + Guid.NewGuid().ToString("N")[..8];
        var item = await OkAsync(await dave.GetAsync("/api/catalog/new-laptop", Ct));
        item["id"] = itemId;
        item["approvers"] = new System.Text.Json.Nodes.JsonArray("manager", "henry");
        item["approvalRule"] = "All";
        await OkAsync(await dave.PutAsync($"/api/catalog/{itemId}", Body(item.ToJsonString()), Ct));
        var number = (await OkAsync(await alice.PostJsonAsync("/api/requests", new { catalogItemId = itemId, answers = new { model = "Standard 14\"", reason = "The old one died" } })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);
        // Henry is away: grace decides for him, and is sent what already waits.
        var henry = await fixture.ClientAsync("henry");
        await OkAsync(await henry.PutJsonAsync("/api/people/me/delegate", new { @delegate = "grace" }));
        await SettleAsync(fixture);
        async Task<List<(string[] To, string Text)>> ToApproversAsync(string words) =>
            [.. (await MailAboutAsync(fixture, number)).Where(m => m.Subject == $"{number}: Alice Requester wrote while it waits on your decision" && m.Text.Contains(words, StringComparison.Ordinal)).Select(m => (m.To, m.Text))];

        try
        {
            await NoteAsync("alice", number, "Please approve by Friday, the old laptop died");

            // Each approver, and the delegate deciding for henry, with her words and a link to the request (no decision link of its own).
            var first = Assert.Single(await ToApproversAsync("Please approve by Friday"));
            Assert.Equal(["carol@example.test", "grace@example.test", "henry@example.test"], first.To);
            Assert.Contains($"Alice Requester wrote on request {number} (New laptop), which waits on your decision", first.Text, StringComparison.Ordinal);
            Assert.Contains("Please approve by Friday, the old laptop died", first.Text, StringComparison.Ordinal);
            Assert.Contains($"(http://localhost:5080/portal/#/tickets/{number})", first.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("/approvals/", first.Text, StringComparison.Ordinal);
            // Whoever fulfils it still hears, as before.
            Assert.Equal(["frank@example.test"], Assert.Single(await WroteAsync(number)).To);

            // Carol decided: she is not asked again.
            await OkAsync(await DecideAsync(fixture, "carol", number, "Approved"));
            Assert.Equal("Awaiting approval", await StatusAsync(alice, number));
            await NoteAsync("alice", number, "Still needed for Monday");
            Assert.Equal(["grace@example.test", "henry@example.test"], Assert.Single(await ToApproversAsync("Still needed for Monday")).To);

            // A switched-off account reads nothing here.
            await OkAsync(await erin.PostAsync("/api/people/grace/disable", null, Ct));
            try
            {
                await NoteAsync("alice", number, "Any news?");
                Assert.Equal(["henry@example.test"], Assert.Single(await ToApproversAsync("Any news?")).To);
            }
            finally
            {
                await OkAsync(await erin.PostAsync("/api/people/grace/enable", null, Ct));
            }

            // Decided by the delegate for henry: the approval is done, and a note goes to fulfilment only.
            await OkAsync(await DecideAsync(fixture, "grace", number, "Approved"));
            Assert.NotEqual("Awaiting approval", await StatusAsync(alice, number));
            await NoteAsync("alice", number, "Thank you");
            Assert.Empty(await ToApproversAsync("Thank you"));
            Assert.Single(await WroteAsync(number), m => m.Text.Contains("Thank you", StringComparison.Ordinal));
            Assert.Equal(3, (await ToApproversAsync("")).Count);
        }
        finally
        {
            await OkAsync(await henry.PutJsonAsync("/api/people/me/delegate", new { @delegate = (string?)null }));
        }
    }
}
