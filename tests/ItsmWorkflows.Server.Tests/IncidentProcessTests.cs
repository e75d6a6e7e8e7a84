using System.Net;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>The shipped incident-escalation process from the API, on PostgreSQL, with a simulated clock and mail through a real SMTP server.</summary>
public sealed class IncidentProcessTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private async Task<(HttpClient Client, string Number)> RaiseAsync(string caller, string service, int impact, int urgency, string title)
    {
        await ImportAsync(fixture);
        var client = await fixture.ClientAsync(caller);
        var created = await OkAsync(await client.PostJsonAsync("/api/incidents", new { title, serviceId = service, impact, urgency }));
        var number = created["number"]!.GetValue<string>();
        Assert.Matches("^INC[0-9]{7}$", number);
        await SettleAsync(fixture);
        return (client, number);
    }

    private async Task ActAsync(string agent, string number, string action, string? note = null)
    {
        var client = await fixture.ClientAsync(agent);
        await OkAsync(await client.PostJsonAsync($"/api/incidents/{number}/{action}", new { note }));
        await SettleAsync(fixture);
    }

    [Fact]
    public async Task NotAcknowledgedInTime_GoesToTheNextTier()
    {
        // Network, impact 3 × urgency 2 → P4; the Gold SLA gives 4 hours to respond.
        var (alice, number) = await RaiseAsync("alice", "network", 3, 2, "Printer on floor 3 offline");
        var ticket = (await TicketAsync(alice, number))["ticket"]!;
        Assert.Equal(4, ticket["priority"]!.GetValue<int>());
        Assert.Equal("Service Desk", ticket["assignmentGroup"]!.GetValue<string>());
        Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Incident {number} opened: Printer on floor 3 offline" && m.To.SequenceEqual(["alice@example.test"]));
        // The group hears of it too (from v4); a P4 is not urgent. Targets read as people say them (v3 wrote "04:00:00").
        var raised = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"New incident {number} for Service Desk: Printer on floor 3 offline");
        Assert.Equal(["bob@example.test", "ivan@example.test"], raised.To);
        Assert.Contains("respond within 4 hours, resolve within 3 days.", raised.Text, StringComparison.Ordinal);
        Assert.Contains((await TicketAsync(alice, number))["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == "New → Open: P4 Low: respond within 4 hours, resolve within 3 days (24x7)");

        await AdvanceAsync(fixture, TimeSpan.FromHours(4) - TimeSpan.FromMinutes(1));
        Assert.Equal("Service Desk", (await TicketAsync(alice, number))["ticket"]!["assignmentGroup"]!.GetValue<string>());
        await AdvanceAsync(fixture, TimeSpan.FromMinutes(1));

        var detail = await TicketAsync(alice, number);
        Assert.Equal("Network", detail["ticket"]!["assignmentGroup"]!.GetValue<string>());
        Assert.True(detail["sla"]!["response"]!["breached"]!.GetValue<bool>());
        var escalated = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith($"Escalated: incident {number}", StringComparison.Ordinal));
        Assert.Equal(["nina@example.test"], escalated.To);
        Assert.Contains("was escalated to Network: nobody acknowledged it within 4 hours.", escalated.Text, StringComparison.Ordinal);

        // The next tier takes it from there.
        await ActAsync("nina", number, "acknowledge");
        detail = await TicketAsync(alice, number);
        Assert.Equal("In progress", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal("nina", detail["ticket"]!["assignee"]!.GetValue<string>());
    }

    [Fact]
    public async Task TakenThenLeftWithNobody_CanBeTakenAgain_ByAnAgentOfItsGroup()
    {
        var (alice, number) = await RaiseAsync("alice", "network", 3, 2, "Docking station not detected");
        await ActAsync("bob", number, "acknowledge");
        var bob = await fixture.ClientAsync("bob");
        var revision = (await TicketAsync(bob, number))["ticket"]!["revision"]!.GetValue<long>();
        await OkAsync(await bob.PostJsonAsync($"/api/tickets/{number}/assign", new { revision, assignee = "" }));

        // The process waits to be taken only once; the queue's "Take it" now assigns it (it answered 409 before).
        await ActAsync("ivan", number, "acknowledge", "On it from the second floor");
        var detail = await TicketAsync(alice, number);
        Assert.Equal("ivan", detail["ticket"]!["assignee"]!.GetValue<string>());
        Assert.Equal("In progress", detail["ticket"]!["status"]!.GetValue<string>());
        var history = detail["history"]!.AsArray().Select(h => h!["text"]!.GetValue<string>()).ToList();
        Assert.Contains("Taken by Ivan Intake", history);
        Assert.Contains("On it from the second floor", history);
        // Someone has it: taking it again is refused, as before.
        Assert.Equal(HttpStatusCode.Conflict, (await bob.PostJsonAsync($"/api/incidents/{number}/acknowledge", new { })).StatusCode);
        // And only its group's agents may take it.
        var nina = await fixture.ClientAsync("nina");
        revision = (await TicketAsync(bob, number))["ticket"]!["revision"]!.GetValue<long>();
        await OkAsync(await bob.PostJsonAsync($"/api/tickets/{number}/assign", new { revision, assignee = "" }));
        Assert.Equal(HttpStatusCode.Forbidden, (await nina.PostJsonAsync($"/api/incidents/{number}/acknowledge", new { })).StatusCode);
    }

    [Fact]
    public async Task HandedToAnotherGroup_ItsEscalationWarningsAndBreachFollowWhoeverHasIt()
    {
        // Network, impact 3 × urgency 2 → P4: respond in 4 hours, resolve in 3 days, around the clock; raised to the Service Desk.
        var (alice, number) = await RaiseAsync("alice", "network", 3, 2, "Wi-Fi drops in meeting room 2");
        var bob = await fixture.ClientAsync("bob");
        var revision = (await TicketAsync(bob, number))["ticket"]!["revision"]!.GetValue<long>();
        await OkAsync(await bob.PostJsonAsync($"/api/tickets/{number}/assign", new { revision, assignmentGroup = "Network" }));
        await SettleAsync(fixture);

        // Nobody at Network took it within 4 hours: it goes on from Network to Network Engineering (v4 went from the
        // group it was raised to, the Service Desk, to Network again, and told Network it was escalated to itself).
        await AdvanceAsync(fixture, TimeSpan.FromHours(4));
        Assert.Equal("Network Engineering", (await TicketAsync(alice, number))["ticket"]!["assignmentGroup"]!.GetValue<string>());
        var escalated = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith($"Escalated: incident {number}", StringComparison.Ordinal));
        Assert.Equal(["grace@example.test"], escalated.To);
        Assert.Contains("was escalated to Network Engineering: nobody acknowledged it within 4 hours.", escalated.Text, StringComparison.Ordinal);

        // grace takes it; at half the resolution time her group is warned, not the Service Desk it started in.
        await ActAsync("grace", number, "acknowledge");
        await AdvanceAsync(fixture, TimeSpan.FromHours(32));
        var half = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"50% of the resolution time used on {number}");
        Assert.Equal(["grace@example.test"], half.To);

        // She hands it back to the Service Desk with ivan on it: the 75 % warning goes there, and the breach to ivan's
        // managers, with him named (v4 told the managers of whoever took it first).
        revision = (await TicketAsync(bob, number))["ticket"]!["revision"]!.GetValue<long>();
        await OkAsync(await (await fixture.ClientAsync("grace")).PostJsonAsync($"/api/tickets/{number}/assign", new { revision, assignmentGroup = "Service Desk", assignee = "ivan" }));
        await SettleAsync(fixture);
        await AdvanceAsync(fixture, TimeSpan.FromHours(18));
        var threeQuarters = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"75% of the resolution time used on {number}");
        Assert.Equal(["bob@example.test", "ivan@example.test"], threeQuarters.To);
        await AdvanceAsync(fixture, TimeSpan.FromHours(18));
        var breach = Assert.Single(await MailAboutAsync(fixture, number), m => m.Text.Contains("it was not resolved within 3 days.", StringComparison.Ordinal));
        Assert.Equal(["dave@example.test", "erin@example.test"], breach.To); // ivan's manager and his
        Assert.Contains("Ivan Intake", breach.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warnings_PauseWhileWaitingOnTheCustomer_BreachGoesToTheManagers_ResolutionTellsTheRequester()
    {
        // Network, impact 1 × urgency 2 → P2: respond in 30 minutes, resolve in 8 hours, around the clock.
        var (alice, number) = await RaiseAsync("alice", "network", 1, 2, "VPN drops every five minutes");
        await ActAsync("bob", number, "acknowledge");
        var detail = await TicketAsync(alice, number);
        Assert.Equal("In progress", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.NotNull(detail["sla"]!["response"]!["stoppedAt"]);
        Assert.False(detail["sla"]!["response"]!["breached"]!.GetValue<bool>());
        var bob = await fixture.ClientAsync("bob");
        Assert.Equal(HttpStatusCode.Conflict, (await bob.PostJsonAsync($"/api/incidents/{number}/acknowledge", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await bob.PostJsonAsync($"/api/incidents/{number}/customer-replied", new { })).StatusCode);

        await AdvanceAsync(fixture, TimeSpan.FromHours(4));
        var warnings = (await MailAboutAsync(fixture, number)).Where(m => m.Subject.Contains("of the resolution time used", StringComparison.Ordinal)).ToList();
        var half = Assert.Single(warnings);
        Assert.Equal($"50% of the resolution time used on {number}", half.Subject);
        Assert.Equal(["bob@example.test", "ivan@example.test"], half.To);

        // Ten hours waiting on the customer do not count. Only the SLA definition's pausing states put it on hold.
        var notPausing = await bob.PostJsonAsync($"/api/incidents/{number}/wait-on-customer", new { status = "Lunch" });
        Assert.Equal(HttpStatusCode.BadRequest, notPausing.StatusCode);
        Assert.Contains("Waiting on customer, Awaiting vendor", (await ReadAsync(notPausing))["detail"]!.GetValue<string>());
        await ActAsync("bob", number, "wait-on-customer", "Asked for the VPN client logs");
        Assert.Equal("Waiting on customer", await StatusAsync(alice, number));
        await AdvanceAsync(fixture, TimeSpan.FromHours(10));
        Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.Contains("of the resolution time used", StringComparison.Ordinal));
        await ActAsync("bob", number, "customer-replied", "Logs received");
        Assert.Equal("In progress", await StatusAsync(alice, number));

        await AdvanceAsync(fixture, TimeSpan.FromHours(2));
        Assert.Contains(await MailAboutAsync(fixture, number), m => m.Subject == $"75% of the resolution time used on {number}");
        Assert.DoesNotContain(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith($"Escalated: incident {number}", StringComparison.Ordinal));

        await AdvanceAsync(fixture, TimeSpan.FromHours(2));
        var breach = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith($"Escalated: incident {number}", StringComparison.Ordinal));
        Assert.Equal(["dave@example.test", "erin@example.test"], breach.To); // bob's manager and hers
        Assert.Contains("it was not resolved within 8 hours.", breach.Text, StringComparison.Ordinal);

        await ActAsync("bob", number, "resolve", "Replaced the VPN concentrator's configuration; write to netops@example.test if it recurs");
        detail = await TicketAsync(alice, number.ToLowerInvariant());
        Assert.Equal("Resolved", detail["ticket"]!["status"]!.GetValue<string>());
        // The agent's own words reach the requester whole, the address they gave her included (the process records
        // them under bob's name; only what the process itself wrote has other people's addresses hidden).
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == "In progress → Resolved: Replaced the VPN concentrator's configuration; write to netops@example.test if it recurs" && h["actor"]!.GetValue<string>() == "bob");
        var resolution = detail["sla"]!["resolution"]!;
        Assert.True(resolution["breached"]!.GetValue<bool>());
        Assert.Equal("08:00:00", resolution["elapsed"]!.GetValue<string>());
        var pause = Assert.Single(resolution["pauses"]!.AsArray())!;
        Assert.Equal(TimeSpan.FromHours(10), pause["to"]!.GetValue<DateTimeOffset>() - pause["from"]!.GetValue<DateTimeOffset>());
        Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Incident {number} resolved" && m.To.SequenceEqual(["alice@example.test"])
            && m.Text.Contains("Replaced the VPN concentrator's configuration", StringComparison.Ordinal));
        var history = detail["history"]!.AsArray().Select(h => h!["text"]!.GetValue<string>()).ToList();
        Assert.Contains("In progress → Waiting on customer: Asked for the VPN client logs", history);
        Assert.Contains("Waiting on customer → In progress: Logs received", history);
        Assert.Equal(HttpStatusCode.Conflict, (await alice.PostJsonAsync($"/api/incidents/{number}/cancel", new { reason = "never mind" })).StatusCode); // resolved is an outcome
        var again = await bob.PostJsonAsync($"/api/incidents/{number}/wait-on-customer", new { note = "again" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("is resolved", (await ReadAsync(again))["detail"]!.GetValue<string>());

        // Three days after resolution it closes, and the process ends.
        await AdvanceAsync(fixture, TimeSpan.FromDays(3));
        detail = await TicketAsync(alice, number);
        Assert.Equal("Closed", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.NotNull(detail["ticket"]!["closedAt"]);
        Assert.Equal("Finished", detail["processStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task NotFixed_TheRequesterReopens_TheClockRunsOnWithoutTheResolvedDay_ThresholdsAreWatchedAgain_ThenItCloses()
    {
        // Network, impact 1 × urgency 2 → P2: resolve in 8 hours, around the clock.
        var (alice, number) = await RaiseAsync("alice", "network", 1, 2, "Wi-Fi in meeting room B keeps dropping");
        await ActAsync("bob", number, "acknowledge");
        await AdvanceAsync(fixture, TimeSpan.FromHours(2));
        await ActAsync("bob", number, "resolve", "Moved the room to the 5 GHz access point.");
        var resolvedMail = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Incident {number} resolved" && m.Text.Contains("Reopen it from the incident's page within three days", StringComparison.Ordinal));
        Assert.Contains("is resolved: \u201cMoved the room to the 5 GHz access point.\u201d Not fixed?", resolvedMail.Text, StringComparison.Ordinal); // not "point.”."

        // Only the requester or staff may reopen, with a reason, and only a resolved incident.
        var kate = await fixture.ClientAsync("kate");
        Assert.Equal(HttpStatusCode.NotFound, (await kate.PostJsonAsync($"/api/incidents/{number}/reopen", new { note = "mine too" })).StatusCode);
        var noReason = await alice.PostJsonAsync($"/api/incidents/{number}/reopen", new { note = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("Say what is still not working", (await ReadAsync(noReason))["detail"]!.GetValue<string>());
        var bob = await fixture.ClientAsync("bob");
        var resolved = await bob.PostJsonAsync($"/api/incidents/{number}/wait-on-customer", new { note = "?" });
        Assert.Contains("reopen it", (await ReadAsync(resolved))["detail"]!.GetValue<string>());

        // A day later it is not fixed: back in progress, and the resolved day does not count.
        await AdvanceAsync(fixture, TimeSpan.FromDays(1));
        await OkAsync(await alice.PostJsonAsync($"/api/incidents/{number.ToLowerInvariant()}/reopen", new { note = "Still drops every hour" }));
        await SettleAsync(fixture);
        var detail = await TicketAsync(alice, number);
        Assert.Equal("In progress", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == "Resolved → In progress: Reopened: Still drops every hour" && h["actor"]!.GetValue<string>() == "alice");
        var resolution = detail["sla"]!["resolution"]!;
        Assert.Null(resolution["stoppedAt"]);
        Assert.Equal("02:00:00", resolution["elapsed"]!.GetValue<string>());
        var resolvedDay = Assert.Single(resolution["pauses"]!.AsArray())!;
        Assert.Equal(TimeSpan.FromDays(1), resolvedDay["to"]!.GetValue<DateTimeOffset>() - resolvedDay["from"]!.GetValue<DateTimeOffset>());
        var told = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Incident {number} reopened");
        Assert.Equal(["bob@example.test", "ivan@example.test"], told.To);
        Assert.Contains("was reopened by Alice Requester: \u201cStill drops every hour\u201d.", told.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await alice.PostJsonAsync($"/api/incidents/{number}/reopen", new { note = "again" })).StatusCode);

        // It was at 25 % when resolved: 50 %, 75 % and the breach are watched again from where the clock stood.
        await AdvanceAsync(fixture, TimeSpan.FromHours(2));
        Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"50% of the resolution time used on {number}");
        await AdvanceAsync(fixture, TimeSpan.FromHours(2));
        Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"75% of the resolution time used on {number}");
        await AdvanceAsync(fixture, TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith($"Escalated: incident {number}", StringComparison.Ordinal));
        await AdvanceAsync(fixture, TimeSpan.FromMinutes(1));
        var breach = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith($"Escalated: incident {number}", StringComparison.Ordinal));
        Assert.Equal(["dave@example.test", "erin@example.test"], breach.To);

        // Resolved again, nobody complains: three days later it closes, and then it cannot be reopened.
        await ActAsync("bob", number, "resolve", "Replaced the access point");
        await AdvanceAsync(fixture, TimeSpan.FromDays(3));
        detail = await TicketAsync(alice, number);
        Assert.Equal("Closed", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal("Finished", detail["processStatus"]!.GetValue<string>());
        Assert.Equal("08:00:00", detail["sla"]!["resolution"]!["elapsed"]!.GetValue<string>());
        var late = await alice.PostJsonAsync($"/api/incidents/{number}/reopen", new { note = "It is back" });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("the three days to reopen it have passed", (await ReadAsync(late))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ANewIncident_IsEmailedToItsGroup_UrgentForP1AndP2_WithItsTargetsInWorkingTime()
    {
        // End-user computing is on the Standard SLA (business hours): impact 1 × urgency 1 → P1, 30 minutes and 8 hours of working time.
        var (alice, number) = await RaiseAsync("alice", "laptops", 1, 1, "Nobody in finance can sign in");

        var raised = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.Contains($"New incident {number}", StringComparison.Ordinal));
        Assert.Equal($"URGENT P1 Critical: New incident {number} for Service Desk: Nobody in finance can sign in", raised.Subject);
        Assert.Equal(["bob@example.test", "ivan@example.test"], raised.To);
        Assert.Contains($"Alice Requester raised incident {number} (P1 Critical) on End-user computing: Nobody in finance can sign in. It is in Service Desk's queue: respond within 30 working minutes, resolve within 8 working hours.", raised.Text, StringComparison.Ordinal);
        var detail = await TicketAsync(alice, number);
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == "New → Open: P1 Critical: respond within 30 working minutes, resolve within 8 working hours (business-hours)");
        Assert.Equal("8 working hours", detail["sla"]!["resolution"]!["targetText"]!.GetValue<string>()); // what the ticket page's timeline shows
    }

    [Fact]
    public async Task PriorityMatrix_IsConfigurable_AndChecked()
    {
        await ImportAsync(fixture);
        var dave = await fixture.ClientAsync("dave");
        var alice = await fixture.ClientAsync("alice");
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.PutAsync("/api/priority-matrix", Body("""{ "matrix": [[1,1,1],[1,1,1],[1,1,1]] }"""), Ct)).StatusCode);
        var bad = await dave.PutAsync("/api/priority-matrix", Body("""{ "matrix": [[1,2,3],[2,3,9],[3,4,5]] }"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Impact 2, urgency 3", (await ReadAsync(bad))["detail"]!.GetValue<string>());

        await OkAsync(await dave.PutAsync("/api/priority-matrix", Body("""{ "matrix": [[1,2,3],[2,3,4],[3,4,3]] }"""), Ct));
        try
        {
            var created = await OkAsync(await alice.PostJsonAsync("/api/incidents", new { title = "Typo on the intranet", serviceId = "crm", impact = 3, urgency = 3 }));
            Assert.Equal(3, created["priority"]!.GetValue<int>());
            Assert.Equal("P3 Moderate", created["priorityName"]!.GetValue<string>());
        }
        finally
        {
            await OkAsync(await dave.PutAsync("/api/priority-matrix", Body("""{ "matrix": [[1,2,3],[2,3,4],[3,4,5]] }"""), Ct));
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.PostJsonAsync("/api/incidents", new { title = "x", serviceId = "crm", impact = 0, urgency = 4 })).StatusCode);
    }
    [Fact]
    public async Task ATitleLongerThanATicketTakes_IsRefusedClearly_OneThatFitsIsKept()
    {
        await ImportAsync(fixture);
        var alice = await fixture.ClientAsync("alice");
        var title = "VPN " + new string('x', 297);

        var refused = await alice.PostJsonAsync("/api/incidents", new { title, serviceId = "network", impact = 3, urgency = 3 });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("The title is 301 characters long; a ticket's title takes at most 300", (await ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, number) = await RaiseAsync("alice", "network", 3, 3, title[..300]);
        Assert.Equal(title[..300], (await TicketAsync(alice, number))["ticket"]!["title"]!.GetValue<string>());
    }
    [Fact]
    public async Task OnlyItsGroup_TakesAnIncident_AndOneWhoseProcessWasStopped_SaysSo_AndCanBeCancelled_ItsClocksCalledOff()
    {
        var (alice, number) = await RaiseAsync("alice", "network", 2, 2, "Shared drive slow");
        var instanceId = (await TicketAsync(alice, number))["ticket"]!["instanceId"]!.GetValue<string>();
        // Taking it is for an agent of its group (Service Desk), as assigning it would be.
        var other = await (await fixture.ClientAsync("nina")).PostJsonAsync($"/api/incidents/{number}/acknowledge", new { });
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Contains("nina does not work for Service Desk", (await ReadAsync(other))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await OkAsync(await (await fixture.ClientAsync("dave")).PostJsonAsync($"/api/instances/{instanceId}/cancel", new { }));
        var bob = await fixture.ClientAsync("bob");
        // Nothing waits for the agents' actions any more: they say so, and the ticket can still be closed.
        var stopped = await bob.PostJsonAsync($"/api/incidents/{number}/acknowledge", new { });
        Assert.Equal(HttpStatusCode.Conflict, stopped.StatusCode);
        Assert.Contains("process was stopped, so nothing waits for this any more", (await ReadAsync(stopped))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.ClientAsync("kate")).PostJsonAsync($"/api/incidents/{number}/cancel", new { reason = "not mine" })).StatusCode);

        var cancelled = await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/cancel", new { reason = "Duplicate of an older incident" }));

        Assert.Equal("Cancelled", cancelled["status"]!.GetValue<string>());
        var detail = await TicketAsync(alice, number);
        Assert.All(detail["sla"]!.AsObject(), c => Assert.True(c.Value!["cancelled"]!.GetValue<bool>()));
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>().EndsWith("→ Cancelled: Duplicate of an older incident", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Conflict, (await alice.PostJsonAsync($"/api/incidents/{number}/cancel", new { })).StatusCode);
    }
}
