using System.Net;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// The requester answering an incident that waits on them: their note is the reply (as in Jira Service Management,
/// where a customer's comment sends the request back to the agents), on PostgreSQL with the shipped process.
/// </summary>
public sealed class IncidentReplyTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private async Task<string> WaitingOnAliceAsync(string reason)
    {
        await ImportAsync(fixture);
        var alice = await fixture.ClientAsync("alice");
        // Network, impact 1 × urgency 2 → P2: resolve in 8 hours, around the clock.
        var number = (await OkAsync(await alice.PostJsonAsync("/api/incidents", new { title = "Shared drive not mounting", serviceId = "network", impact = 1, urgency = 2 })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);
        var bob = await fixture.ClientAsync("bob");
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/acknowledge", new { }));
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/wait-on-customer", new { status = reason, note = "Which drive letter?" }));
        await SettleAsync(fixture);
        Assert.Equal(reason, await StatusAsync(alice, number));
        return number;
    }

    /// <summary>An incident on the network service (P3: impact and urgency medium) raised by the person given, its process settled.</summary>
    private async Task<string> RaisedAsync(string caller, string title)
    {
        await ImportAsync(fixture);
        var client = await fixture.ClientAsync(caller);
        var number = (await OkAsync(await client.PostJsonAsync("/api/incidents", new { title, serviceId = "network", impact = 2, urgency = 2 })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);
        return number;
    }

    private async Task NoteAsync(string author, string number, string text)
    {
        var client = await fixture.ClientAsync(author);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostJsonAsync($"/api/tickets/{number}/notes", new { text })).StatusCode);
        await SettleAsync(fixture);
    }

    [Fact]
    public async Task TheRequestersNote_IsTheReply_WorkResumesAndTheClockRunsAgain()
    {
        var number = await WaitingOnAliceAsync("Waiting on customer");
        var alice = await fixture.ClientAsync("alice");
        // She is asked, with the agent's question.
        var asked = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"We need your answer on incident {number}");
        Assert.Equal(["alice@example.test"], asked.To);
        Assert.Contains("Which drive letter?", asked.Text, StringComparison.Ordinal);

        // An agent's note is not the customer's answer: it stays on hold.
        await NoteAsync("bob", number, "Chased by phone, no answer");
        Assert.Equal("Waiting on customer", await StatusAsync(alice, number));

        await AdvanceAsync(fixture, TimeSpan.FromHours(3));
        await NoteAsync("alice", number, "It is the S: drive");

        var detail = await TicketAsync(alice, number);
        Assert.Equal("In progress", detail["ticket"]!["status"]!.GetValue<string>());
        var history = detail["history"]!.AsArray();
        Assert.Contains(history, h => h!["text"]!.GetValue<string>() == "It is the S: drive" && h["actor"]!.GetValue<string>() == "alice" && h["actorName"]!.GetValue<string>() == "Alice Requester");
        Assert.Contains(history, h => h!["text"]!.GetValue<string>().StartsWith("Waiting on customer → In progress", StringComparison.Ordinal) && h["actor"]!.GetValue<string>() == "alice");
        var pause = Assert.Single(detail["sla"]!["resolution"]!["pauses"]!.AsArray())!;
        Assert.Equal(TimeSpan.FromHours(3), pause["to"]!.GetValue<DateTimeOffset>() - pause["from"]!.GetValue<DateTimeOffset>());
        // Bob, who took it, hears of her answer by email, with what she wrote; nobody heard of the agent's own note.
        var answered = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.EndsWith(" answered", StringComparison.Ordinal));
        Assert.Equal(["bob@example.test"], answered.To);
        Assert.Contains("It is the S: drive", answered.Text, StringComparison.Ordinal);

        // A second note changes nothing more: it is no longer waiting on her.
        await NoteAsync("alice", number, "Also the T: drive");
        Assert.Equal("In progress", await StatusAsync(alice, number));
        Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.EndsWith(" answered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhileItWaitsOnAVendor_TheRequestersNoteIsANote_EmailedToWhoeverWorksIt()
    {
        var number = await WaitingOnAliceAsync("Awaiting vendor");
        Assert.DoesNotContain(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith("We need your answer", StringComparison.Ordinal));
        await NoteAsync("alice", number, "Any news?");
        var alice = await fixture.ClientAsync("alice");
        var detail = await TicketAsync(alice, number);
        Assert.Equal("Awaiting vendor", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == "Any news?");
        Assert.Null(Assert.Single(detail["sla"]!["resolution"]!["pauses"]!.AsArray())!["to"]);
        Assert.DoesNotContain(await MailAboutAsync(fixture, number), m => m.Subject.EndsWith(" answered", StringComparison.Ordinal));
        // Bob, who works it, still hears what she wrote.
        var wrote = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"{number}: Alice Requester wrote");
        Assert.Equal(["bob@example.test"], wrote.To);
        Assert.Contains("Any news?", wrote.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("resolved", wrote.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeldBeforeAnyoneTookIt_TheReplyOpensItAgain_AndTakingItDuringTheHoldKeepsTheHold()
    {
        var number = await RaisedAsync("alice", "Printer offline on floor 3");
        var alice = await fixture.ClientAsync("alice");
        var bob = await fixture.ClientAsync("bob");
        Assert.Equal("Open", await StatusAsync(alice, number));

        // Asked a question before anyone took it: her answer sends it back to the queue, not to "In progress" with nobody on it.
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/wait-on-customer", new { note = "Which printer?" }));
        await SettleAsync(fixture);
        Assert.Equal("Waiting on customer", await StatusAsync(alice, number));
        await NoteAsync("alice", number, "The one by the lifts");
        var detail = await TicketAsync(alice, number);
        Assert.Equal("Open", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Null(detail["ticket"]!["assignee"]);
        // Its group hears the answer came and that it waits for one of them to take it, not that it is in progress.
        var answered = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.EndsWith(" answered", StringComparison.Ordinal));
        Assert.Contains("back with its group for someone to take", answered.Text, StringComparison.Ordinal);

        // Held again, and taken while held: it is Bob's, still waiting on her (her clock stays paused), until she answers.
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/wait-on-customer", new { note = "Is it switched on?" }));
        await SettleAsync(fixture);
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/acknowledge", new { note = "Taking this one" }));
        await SettleAsync(fixture);
        detail = await TicketAsync(alice, number);
        Assert.Equal("Waiting on customer", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal("bob", detail["ticket"]!["assignee"]!.GetValue<string>());
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>().Contains("Taking this one", StringComparison.Ordinal)); // the note given when taking it
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == "Assigned to Bob Agent"); // named as people know him
        await NoteAsync("alice", number, "It is now");
        Assert.Equal("In progress", await StatusAsync(alice, number));
    }

    [Fact]
    public async Task ResolvedDuringAHold_ThenReopened_IsWorkedAndHeldAgainAsAnyOther()
    {
        var number = await RaisedAsync("alice", "Scanner on floor 2 jams");
        var alice = await fixture.ClientAsync("alice");
        var bob = await fixture.ClientAsync("bob");
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/wait-on-customer", new { note = "Which tray?" }));
        await SettleAsync(fixture);
        // Fixed without her answer: the hold ends with the resolution.
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/resolve", new { note = "Replaced the rollers" }));
        await SettleAsync(fixture);
        await OkAsync(await alice.PostJsonAsync($"/api/incidents/{number}/reopen", new { note = "Jams again" }));
        await SettleAsync(fixture);

        // Taken after the reopening: in progress (not the old hold's status), and it can be held again.
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/acknowledge", new { }));
        await SettleAsync(fixture);
        Assert.Equal("In progress", await StatusAsync(alice, number));
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/wait-on-customer", new { note = "Which paper?" }));
        await SettleAsync(fixture);
        Assert.Equal("Waiting on customer", await StatusAsync(alice, number));
        await NoteAsync("alice", number, "Recycled paper");
        Assert.Equal("In progress", await StatusAsync(alice, number));
    }

    [Fact]
    public async Task Reopened_AfterAResolutionWithoutAHold_CanBeHeld()
    {
        var number = await RaisedAsync("alice", "Calendar does not sync");
        var alice = await fixture.ClientAsync("alice");
        var bob = await fixture.ClientAsync("bob");
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/acknowledge", new { }));
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/resolve", new { note = "Re-created the profile" }));
        await SettleAsync(fixture);
        await OkAsync(await alice.PostJsonAsync($"/api/incidents/{number}/reopen", new { note = "Crashed again this morning" }));
        await SettleAsync(fixture);
        Assert.Equal("In progress", await StatusAsync(alice, number));
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/wait-on-customer", new { note = "Which calendar?" }));
        await SettleAsync(fixture);
        Assert.Equal("Waiting on customer", await StatusAsync(alice, number));
    }

    [Fact]
    public async Task AssignedByHand_ThenHeld_TheAnswerSendsItBackToWork_NotToTheQueue()
    {
        var number = await RaisedAsync("alice", "Badge reader at the side door");
        var alice = await fixture.ClientAsync("alice");
        var bob = await fixture.ClientAsync("bob");
        var ticket = (await TicketAsync(bob, number))["ticket"]!;
        await OkAsync(await bob.PostJsonAsync($"/api/tickets/{number}/assign", new { assignee = "bob", assignmentGroup = ticket["assignmentGroup"]!.GetValue<string>(), revision = ticket["revision"]!.GetValue<long>() }));
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/wait-on-customer", new { note = "Which badge?" }));
        await SettleAsync(fixture);
        await NoteAsync("alice", number, "The blue one");
        var detail = await TicketAsync(alice, number);
        Assert.Equal("In progress", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal("bob", detail["ticket"]!["assignee"]!.GetValue<string>());
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == "Assigned to Bob Agent");
    }

    [Fact]
    public async Task AnAgentWhoRaisedHerOwnIncident_WritesWorkNotes_NotNewsForHerGroup()
    {
        var number = await RaisedAsync("bob", "My dock does not charge");
        var bob = await fixture.ClientAsync("bob");
        var detail = await TicketAsync(bob, number);
        Assert.Equal("bob", detail["ticket"]!["requester"]!.GetValue<string>());
        Assert.Null(detail["ticket"]!["assignee"]);
        await NoteAsync("bob", number, "Tried another cable");
        Assert.DoesNotContain(await MailAboutAsync(fixture, number), m => m.Subject.EndsWith(" wrote", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnAResolvedIncident_TheCallersNoteReachesWhoeverResolvedIt_WithTheWayToReopen()
    {
        var number = await WaitingOnAliceAsync("Waiting on customer");
        await NoteAsync("alice", number, "It is the S: drive");
        var bob = await fixture.ClientAsync("bob");
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/resolve", new { note = "Remapped the S: drive" }));
        await SettleAsync(fixture);
        var alice = await fixture.ClientAsync("alice");
        Assert.Equal("Resolved", await StatusAsync(alice, number));

        // Bob's own note tells nobody; hers is emailed to him, saying the incident is resolved and can be reopened.
        await NoteAsync("bob", number, "Checked with the storage team");
        await NoteAsync("alice", number, "Mapped again but empty");
        var wrote = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.EndsWith(" wrote", StringComparison.Ordinal));
        Assert.Equal(["bob@example.test"], wrote.To);
        Assert.Contains("Mapped again but empty", wrote.Text, StringComparison.Ordinal);
        Assert.Contains("which is resolved (the caller can still reopen it from its page)", wrote.Text, StringComparison.Ordinal);
        // A note is not a reopening: that stays the caller's explicit choice.
        Assert.Equal("Resolved", await StatusAsync(alice, number));
    }
}
