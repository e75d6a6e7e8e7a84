using System.Net;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>The shipped request-fulfilment process from the API, on PostgreSQL, with mail through a real SMTP server.</summary>
public sealed partial class RequestProcessTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private async Task<(HttpClient Client, string Number)> RequestAsync(string requester, string item, object answers)
    {
        await ImportAsync(fixture);
        var client = await fixture.ClientAsync(requester);
        var created = await OkAsync(await client.PostJsonAsync("/api/requests", new { catalogItemId = item, answers }));
        var number = created["number"]!.GetValue<string>();
        Assert.Matches("^REQ[0-9]{7}$", number);
        await SettleAsync(fixture);
        return (client, number);
    }

    [Fact]
    public async Task ARequesterWhoseMailIsRefused_StillReachesTheApprover_AndTheTicketSaysTheEmailFailed()
    {
        await ImportAsync(fixture);
        // Someone whose address the mail server refuses for good (the test SMTP server answers 550 to reject*@).
        var userName = "rita" + Guid.NewGuid().ToString("N")[..6];
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var carol = await users.FindByNameAsync("carol");
            var created = await users.CreateAsync(new Person { UserName = userName, Email = $"reject-{userName}@example.test", DisplayName = "Rita Refused", ManagerId = carol!.Id });
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        }
        var bob = await fixture.ClientAsync("bob");

        var raised = await OkAsync(await bob.PostJsonAsync("/api/requests", new { catalogItemId = "new-laptop", answers = new { model = "MacBook Air 13\"", reason = "Travelling" }, requestedFor = userName }));
        // The "we received it" email is queued, not awaited: the approval is asked for in the same step.
        Assert.Equal("Awaiting approval", raised["status"]!.GetValue<string>());
        var number = raised["number"]!.GetValue<string>();
        await SettleAsync(fixture);

        var detail = await TicketAsync(bob, number);
        Assert.Equal("Awaiting approval", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal("Suspended", detail["processStatus"]!.GetValue<string>()); // waiting on the approver, not stopped by an incident
        var received = Assert.Single(detail["emails"]!.AsArray(), e => e!["subject"]!.GetValue<string>() == $"We received your request {number}")!;
        Assert.True(received["failed"]!.GetValue<bool>());
        Assert.Contains("550", received["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single((await fixture.Smtp.ReceivedAsync()).Messages, m => m!["subject"]!.GetValue<string>().StartsWith("Approval needed", StringComparison.Ordinal)
            && m["subject"]!.GetValue<string>().Contains(number, StringComparison.Ordinal) && m["to"]!.AsArray().Single()!.GetValue<string>() == "carol@example.test");
    }

    [Fact]
    public async Task AnInstanceStartedByHand_ForARequestsNumber_IsRefused_AndCannotMoveThatRequestPastItsApproval()
    {
        var (bob, number) = await RequestAsync("bob", "new-laptop", new { model = "Performance 16\"", reason = "Faster builds" });
        Assert.Equal("Awaiting approval", await StatusAsync(bob, number));
        var before = (await fixture.Smtp.ReceivedAsync()).Messages.Count;

        // An agent may start workflows, but not a second process for a ticket: under its number as the correlation id,
        // or with it as the ticket the process reads (in any case), claiming no approval is needed. Such an instance
        // could not write the ticket, but it emailed its people about steps nobody took (trial finding).
        object Forged(string? correlationId, string ticketNumber) => new
        {
            definitionId = "request-fulfilment",
            correlationId,
            input = new { ticket = new { number = ticketNumber, requester = "bob", requesterName = "Bob Agent", summary = new { }, item = new { name = "New laptop", approvalRequired = false, fulfilmentGroup = "Desktop Support", deliveryTarget = "1.00:00:00", tasks = new[] { new { title = "Hand over laptop", group = "Desktop Support" } } } } },
        };
        foreach (var body in new[] { Forged(number, number), Forged(null, number.ToLowerInvariant()), Forged(" " + number, "REQ-OTHER") })
        {
            var refused = await bob.PostJsonAsync("/api/instances", body);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains($"{number} is a ticket, run by the process its raising started", (await ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        // Nor under the number the next request will take.
        var next = await bob.PostJsonAsync("/api/instances", Forged("REQ9999999", "REQ9999999"));
        Assert.Equal(HttpStatusCode.Conflict, next.StatusCode);
        Assert.Contains("'request-fulfilment' runs tickets, and REQ9999999 is a ticket's number", (await ReadAsync(next))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // A workflow that does not run tickets may be correlated with one (a diagnostics run for it, say).
        var dave = await fixture.ClientAsync("dave");
        var helper = "diag-" + Guid.NewGuid().ToString("N")[..6];
        await OkAsync(await dave.PostAsync("/api/definitions", Body(Definition(helper)), Ct));
        await OkAsync(await dave.PostAsync($"/api/definitions/{helper}/publish", null, Ct));
        Assert.Equal(HttpStatusCode.Created, (await bob.PostJsonAsync("/api/instances", new { definitionId = helper, correlationId = number })).StatusCode);
        await SettleAsync(fixture);

        var after = await TicketAsync(bob, number);
        Assert.Equal("Awaiting approval", after["ticket"]!["status"]!.GetValue<string>());
        Assert.Empty(after["tasks"]?.AsArray() ?? []);
        Assert.Equal(before, (await fixture.Smtp.ReceivedAsync()).Messages.Count);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        Assert.False(await db.Tickets.AnyAsync(t => t.ParentNumber == number, Ct));
        Assert.Equal(1, await db.Instances.CountAsync(i => i.CorrelationId == number && i.DefinitionId == "request-fulfilment", Ct));
    }

    [Fact]
    public async Task AnOperatorCancellingTheProcess_LeavesANoteOnItsTicket()
    {
        var (alice, number) = await RequestAsync("alice", "new-laptop", new { model = "Performance 16\"", reason = "Broken screen" });
        var instanceId = (await TicketAsync(alice, number))["ticket"]!["instanceId"]!.GetValue<string>();
        var owner = await fixture.ClientAsync("dave");
        await OkAsync(await owner.PostAsync($"/api/instances/{instanceId}/cancel", null, Ct));
        var history = (await TicketAsync(alice, number))["history"]!.AsArray();
        Assert.Contains(history, h => h!["text"]!.GetValue<string>().StartsWith("Its process was cancelled by dave", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Approved_ThenEachTaskDone_IsFulfilled_AndTheRequesterHearsAtEachMilestone()
    {
        var (alice, number) = await RequestAsync("alice", "new-laptop", new { model = "Performance 16\"", reason = "Video editing for the launch", dockingStation = true });
        var waiting = (await TicketAsync(alice, number))["waitingOn"]!.AsArray();
        Assert.Equal("Approve the request", Assert.Single(waiting)!["step"]!.GetValue<string>());
        Assert.Equal(["Carol Manager"], waiting[0]!["who"]!.AsArray().Select(w => w!.GetValue<string>())); // who it waits on, by name
        // When the approval is due (in three days), not when its next daily reminder goes out (the bookmark's own time).
        var raisedAt = (await TicketAsync(alice, number))["ticket"]!["createdAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(raisedAt.AddDays(3), waiting[0]!["dueAt"]!.GetValue<DateTimeOffset>(), TimeSpan.FromMinutes(1));
        Assert.Equal("Awaiting approval", await StatusAsync(alice, number));

        // alice's manager is carol: the approval goes to her, by email, with the form's answers.
        var approvalMail = Assert.Single((await fixture.Smtp.ReceivedAsync()).Messages, m => m!["subject"]!.GetValue<string>().Contains(number, StringComparison.Ordinal)
            && m["subject"]!.GetValue<string>().StartsWith("Approval needed", StringComparison.Ordinal));
        Assert.Equal("carol@example.test", approvalMail!["to"]!.AsArray().Single()!.GetValue<string>());
        Assert.Contains("Video editing for the launch", approvalMail["text"]!.GetValue<string>());
        Assert.Contains("EUR 1,200.00", approvalMail["text"]!.GetValue<string>()); // a price says its currency
        // The ticket lists the approval request among its emails, sent; staff see to whom, the requester not (her manager's address).
        Assert.Contains((await TicketAsync(await fixture.ClientAsync("bob"), number))["emails"]!.AsArray(), e => e!["subject"]!.GetValue<string>().StartsWith("Approval needed", StringComparison.Ordinal)
            && e["to"]!.AsArray().Single()!.GetValue<string>() == "carol@example.test" && e["sentAt"] is not null);
        Assert.Contains((await TicketAsync(alice, number))["emails"]!.AsArray(), e => e!["subject"]!.GetValue<string>().StartsWith("Approval needed", StringComparison.Ordinal)
            && e["to"]!.AsArray().Count == 0 && e["sentAt"] is not null);

        Assert.Null((await TicketAsync(alice, number))["sla"]!["delivery"]); // approval time is not delivery time
        // carol reads what she is asked to approve, as its requester does; someone else who is not staff does not.
        var asApprover = await TicketAsync(await fixture.ClientAsync("carol"), number);
        Assert.Equal(number, asApprover["ticket"]!["number"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await (await fixture.ClientAsync("carol")).GetAsync($"/api/tickets/{number}/process", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.ClientAsync("kate")).GetAsync($"/api/tickets/{number}", Ct)).StatusCode);
        // Reading only: a note stays with the people on the ticket.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.ClientAsync("carol")).PostJsonAsync($"/api/tickets/{number}/notes", new { text = "Looks fine" })).StatusCode);
        await OkAsync(await DecideAsync(fixture, "carol", number, "Approved", "Go ahead"));
        Assert.Equal("In fulfilment", await StatusAsync(alice, number));
        // From the start of fulfilment the delivery clock runs: five eight-hour days on the laptop service's business hours.
        var delivery = (await TicketAsync(alice, number))["sla"]!["delivery"]!;
        Assert.Equal(("1.16:00:00", "business-hours", false), (delivery["target"]!.GetValue<string>(), delivery["calendar"]!.GetValue<string>(), delivery["breached"]!.GetValue<bool>()));
        Assert.Equal("40 working hours", delivery["targetText"]!.GetValue<string>()); // the timeline said "target 1.16:00:00"
        Assert.NotNull(delivery["dueAt"]);

        var first = Assert.Single(await OpenTasksAsync(alice, number));
        Assert.Equal("Desktop Support", first.Group);
        // What alice raised is her request; its task is the team's work, listed when asked for.
        var raised = (await OkAsync(await alice.GetAsync("/api/tickets?requester=alice&pageSize=200", Ct)))["items"]!.AsArray().Select(t => t!["number"]!.GetValue<string>()).ToList();
        Assert.Contains(number, raised);
        Assert.DoesNotContain(first.Number, raised);
        Assert.Contains(first.Number, (await OkAsync(await alice.GetAsync("/api/tickets?requester=alice&kind=Task&pageSize=200", Ct)))["items"]!.AsArray().Select(t => t!["number"]!.GetValue<string>()));
        // Someone outside the group cannot close it.
        var outsider = await fixture.ClientAsync("nina");
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PostJsonAsync($"/api/tasks/{first.Number}/close", new { state = "Complete" })).StatusCode);
        await CloseTaskAsync(fixture, "frank", first.Number, notes: "Imaged, files moved");

        var second = Assert.Single(await OpenTasksAsync(alice, number));
        Assert.Equal("Service Desk", second.Group);
        await CloseTaskAsync(fixture, "bob", second.Number);

        var detail = await TicketAsync(alice, number);
        Assert.Equal("Fulfilled", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.NotNull(detail["ticket"]!["closedAt"]);
        Assert.Equal("Finished", detail["processStatus"]!.GetValue<string>());
        Assert.NotNull(detail["sla"]!["delivery"]!["stoppedAt"]);
        Assert.False(detail["sla"]!["delivery"]!["breached"]!.GetValue<bool>());
        Assert.All(detail["tasks"]!.AsArray(), t => Assert.Equal("Closed Complete", t!["status"]!.GetValue<string>()));
        var approval = Assert.Single(detail["approvals"]!.AsArray())!;
        Assert.Equal(["Carol Manager"], approval["approvers"]!.AsArray().Select(a => a!.GetValue<string>()));
        var decided = Assert.Single(approval["decisions"]!.AsArray())!;
        Assert.Equal(("carol", "Approved", "Go ahead"), (decided["by"]!.GetValue<string>(), decided["decision"]!.GetValue<string>(), decided["comment"]!.GetValue<string>()));
        Assert.Equal("Carol Manager", decided["byName"]!.GetValue<string>());
        Assert.Contains(detail["emails"]!.AsArray(), e => e!["subject"]!.GetValue<string>() == $"Your request {number} is fulfilled" && e["sentAt"] is not null);
        var history = detail["history"]!.AsArray().Select(h => h!["text"]!.GetValue<string>()).ToList();
        // People are named as people read them: display names, not user names (request-fulfilment v4).
        Assert.Contains("New → Awaiting approval: Approval requested from Carol Manager", history);
        Assert.Contains(history, h => h.StartsWith("Awaiting approval → In fulfilment: Approved by Carol Manager", StringComparison.Ordinal));
        Assert.Contains(history, h => h.Contains($"{first.Number} closed complete by Frank Desktop", StringComparison.Ordinal));

        var mail = await MailAboutAsync(fixture, number);
        var toAlice = mail.Where(m => m.To.SequenceEqual(["alice@example.test"])).Select(m => m.Subject).ToList();
        Assert.Equal([$"We received your request {number}", $"Your request {number} was approved", $"Your request {number} is fulfilled"], toAlice);
        Assert.Contains("was approved by Carol Manager", mail.Single(m => m.Subject == $"Your request {number} was approved").Text);
        // Each one's button opens the request's tracking page (plain text: the link after the button's words).
        Assert.All(mail.Where(m => m.To.SequenceEqual(["alice@example.test"])), m => Assert.Contains($"(http://localhost:5080/portal/#/tickets/{number})", m.Text, StringComparison.Ordinal));
        // The plain-text part is text: no doctype, and a fact reads "label: value".
        Assert.All(mail, m => Assert.DoesNotContain("<!doctype", m.Text, StringComparison.OrdinalIgnoreCase));
        // Each group heard about its task, by its number.
        Assert.Contains(mail, m => m.To.SequenceEqual(["frank@example.test"]) && m.Subject.StartsWith($"New task {first.Number} for Desktop Support from {number}", StringComparison.Ordinal));
        Assert.Contains(mail, m => m.To.SequenceEqual(["bob@example.test", "ivan@example.test"]) && m.Subject.StartsWith($"New task {second.Number} for Service Desk from {number}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheRequester_SeesTheProcessDiagram_WithTheCurrentStep_ButNotHowStepsAreConfigured()
    {
        var (alice, number) = await RequestAsync("alice", "software-access", new { application = "Jira", justification = "Sprint planning" });
        var process = await OkAsync(await alice.GetAsync($"/api/tickets/{number}/process", Ct));
        var activities = process["definition"]!["root"]!["activities"]!.AsArray();
        Assert.True(activities.Count > 5);
        string[] shown = ["id", "type", "name", "metadata", "cases"];
        Assert.All(activities, a => Assert.All(a!.AsObject(), p => Assert.Contains(p.Key, shown)));
        Assert.NotEmpty(process["definition"]!["root"]!["connections"]!.AsArray());
        var waiting = Assert.Single(process["waiting"]!.AsArray())!.GetValue<string>();
        Assert.Equal("Approve the request", activities.Single(a => a!["id"]!.GetValue<string>() == waiting)!["name"]!.GetValue<string>());
        Assert.Contains(process["journal"]!.AsArray(), j => j!["event"]!.GetValue<string>() == "Completed");

        // Someone who may not see the ticket may not see its process either, with the same answer as for no ticket.
        var kate = await fixture.ClientAsync("kate");
        var refused = await kate.GetAsync($"/api/tickets/{number}/process", Ct);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Contains($"There is no ticket {number}", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejected_ClosesTheRequest_AndTellsTheRequesterWhy()
    {
        var (kate, number) = await RequestAsync("kate", "software-access", new { application = "Tableau", justification = "Quarterly dashboards" });

        await OkAsync(await DecideAsync(fixture, "carol", number, "Rejected", "Use the shared dashboards instead"));

        var detail = await TicketAsync(kate, number);
        Assert.Equal("Rejected", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Empty(detail["tasks"]!.AsArray());
        var rejected = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Your request {number} was not approved");
        Assert.Equal(["kate@example.test"], rejected.To);
        Assert.Contains("Use the shared dashboards instead", rejected.Text);
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == "Awaiting approval → Rejected: Carol Manager: Use the shared dashboards instead");
    }

    [Fact]
    public async Task RejectedWithoutAComment_TheSentenceEndsCleanly()
    {
        var (kate, number) = await RequestAsync("kate", "software-access", new { application = "Jira", justification = "Backlog grooming" });

        await OkAsync(await DecideAsync(fixture, "carol", number, "Rejected", "  "));

        Assert.Equal("Rejected", await StatusAsync(kate, number));
        var rejected = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Your request {number} was not approved");
        Assert.Contains("Your request for Software access was not approved.", rejected.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("not approved:", rejected.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoDecisionInThreeDays_ClosesItIncomplete_AndSaysSo()
    {
        var (alice, number) = await RequestAsync("alice", "software-access", new { application = "Jira", justification = "Sprint planning" });

        await AdvanceAsync(fixture, TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1));
        Assert.Equal("Awaiting approval", await StatusAsync(alice, number));
        await AdvanceAsync(fixture, TimeSpan.FromMinutes(2));

        Assert.Equal("Closed incomplete", await StatusAsync(alice, number));
        var mail = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Your request {number} was not approved");
        Assert.Contains("nobody decided within 3 days, so it was closed. Raise it again if you still need it.", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnApproverWhoHasNotDecided_IsRemindedEachDay_WithAFreshLink_ThatReplacesTheOldOne()
    {
        var (alice, number) = await RequestAsync("alice", "software-access", new { application = "Tableau", justification = "Quarterly sales dashboards" });
        static bool Asked(string subject) => subject.StartsWith("Approval needed", StringComparison.Ordinal);
        static bool Reminded(string subject) => subject.StartsWith("Reminder: Approval needed", StringComparison.Ordinal);
        var first = Assert.Single(await MailAboutAsync(fixture, number), m => Asked(m.Subject));

        // Not a minute early.
        await AdvanceAsync(fixture, TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(await MailAboutAsync(fixture, number), m => Reminded(m.Subject));
        await AdvanceAsync(fixture, TimeSpan.FromMinutes(1));
        var reminder = Assert.Single(await MailAboutAsync(fixture, number), m => Reminded(m.Subject));
        Assert.Equal(first.To, reminder.To);
        Assert.Contains("It is still waiting for you; the buttons of the earlier email no longer work, these do.", reminder.Text, StringComparison.Ordinal);

        // The first email's link is replaced; the reminder's opens the decision page.
        static string Link(string text) => new Uri(System.Text.RegularExpressions.Regex.Match(text, @"Approve: (\S+)").Groups[1].Value).PathAndQuery;
        var anonymous = fixture.Factory.CreateClient();
        var old = await anonymous.GetAsync(Link(first.Text), Ct);
        Assert.Contains("This link is not valid. Open the approval from your most recent email", await old.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var fresh = await anonymous.GetAsync(Link(reminder.Text), Ct);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Contains("Quarterly sales dashboards", await fresh.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // Decided: no more reminders, however long it would have waited.
        await OkAsync(await DecideAsync(fixture, "carol", number, "Approved"));
        await AdvanceAsync(fixture, TimeSpan.FromDays(3));
        Assert.Single(await MailAboutAsync(fixture, number), m => Reminded(m.Subject));
    }

    [Fact]
    public async Task NoApprovalNeeded_GoesStraightToFulfilment_AndAnIncompleteTaskEndsIt()
    {
        var (bob, number) = await RequestAsync("bob", "vpn-access", new { reason = "On call from home" });
        Assert.Equal("In fulfilment", await StatusAsync(bob, number));
        var task = Assert.Single(await OpenTasksAsync(bob, number));
        Assert.Equal("Network", task.Group);

        // Closing incomplete needs a reason.
        var nina = await fixture.ClientAsync("nina");
        Assert.Equal(HttpStatusCode.BadRequest, (await nina.PostJsonAsync($"/api/tasks/{task.Number}/close", new { state = "Incomplete" })).StatusCode);
        await CloseTaskAsync(fixture, "nina", task.Number, "Incomplete", "Contractors are not allowed VPN");

        Assert.Equal("Closed incomplete", await StatusAsync(bob, number));
        var notFulfilled = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Your request {number} could not be fulfilled");
        Assert.Contains("We could not fulfil your request for VPN access: Contractors are not allowed VPN. The service desk will contact you", notFulfilled.Text, StringComparison.Ordinal);
    }
}
