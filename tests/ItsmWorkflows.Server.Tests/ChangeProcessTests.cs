using System.Net;
using System.Text.Json.Nodes;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>The shipped change-approval process from the API, on PostgreSQL, with mail through a real SMTP server.</summary>
public sealed partial class ChangeProcessTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private static readonly string[] Network = ["network"];
    private static readonly string[] Email = ["email"];
    private static readonly string[] NetworkAndEmail = ["network", "email"];
    private static readonly string[] Crm = ["crm"];
    private static readonly string[] Laptops = ["laptops"];
    private static readonly string[] Mainframe = ["mainframe"];

    /// <summary>A window some days ahead on the engine's clock, on a whole hour; each test takes its own day so they never overlap by accident.</summary>
    private (DateTimeOffset Start, DateTimeOffset End) Window(int day, int hours = 2)
    {
        var now = fixture.EngineClock.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, 10, 0, 0, TimeSpan.Zero).AddDays(day * 3);
        return (start, start.AddHours(hours));
    }

    /// <summary>A normal change on the laptops service that assesses as low risk: every plan given, nobody affected, done and tested before.</summary>
    private Task<(HttpClient Client, string Number)> RaiseLowRiskNormalAsync(string title, DateTimeOffset start, DateTimeOffset end) => RaiseAsync("nina", new
    {
        title, type = "normal", services = Laptops, plannedStart = start, plannedEnd = end,
        implementationPlan = "Carry out the change", backoutPlan = "Restore what was there", testPlan = "Check it works",
        questionnaire = new { userImpact = "none", tested = true, rollbackTested = true, doneBefore = true },
    });

    private async Task<(HttpClient Client, string Number)> RaiseAsync(string requester, object change)
    {
        await ImportAsync(fixture);
        await ClearBlackoutsAsync(fixture);
        var client = await fixture.ClientAsync(requester);
        var created = await OkAsync(await client.PostJsonAsync("/api/changes", await FromTestTemplateAsync(fixture, change)));
        var number = created["number"]!.GetValue<string>();
        Assert.Matches("^CHG[0-9]{7}$", number);
        await SettleAsync(fixture);
        return (client, number);
    }

    [Fact]
    public async Task StandardChange_SkipsApproval_IsScheduled_Implemented_Reviewed_AndClosed()
    {
        var (start, end) = Window(1);
        var (nina, number) = await RaiseAsync("nina", new { title = "Add a printer VLAN", type = "standard", services = Network, plannedStart = start, plannedEnd = end });

        var detail = await TicketAsync(nina, number);
        Assert.Equal("Scheduled", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal("Low", detail["ticket"]!["risk"]!.GetValue<string>());
        Assert.DoesNotContain(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>().Contains("Authorize", StringComparison.Ordinal));
        // The history names what pre-approved it (v9).
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>().Contains("Standard change from template Routine work on network (revision ", StringComparison.Ordinal));
        Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith($"Change {number} scheduled for", StringComparison.Ordinal));

        // Nothing happens before the window opens; at its start the implementation task goes to the service's group.
        await AdvanceAsync(fixture, start - fixture.EngineClock.GetUtcNow() - TimeSpan.FromMinutes(1));
        Assert.Equal("Scheduled", await StatusAsync(nina, number));
        await AdvanceAsync(fixture, TimeSpan.FromMinutes(1));
        Assert.Equal("Implement", await StatusAsync(nina, number));
        var implement = Assert.Single(await OpenTasksAsync(nina, number));
        Assert.Equal("Network", implement.Group); // the service's technical tier, not its service desk
        Assert.StartsWith($"Implement {number}", implement.Title, StringComparison.Ordinal);
        // The group hears of it as it opens, by the task's number (from v3).
        await SettleAsync(fixture);
        Assert.Contains(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith($"New task {implement.Number} for Network from {number}", StringComparison.Ordinal));

        await CloseTaskAsync(fixture, "nina", implement.Number, notes: "VLAN 42 live");
        Assert.Equal("Review", await StatusAsync(nina, number));
        Assert.Contains((await TicketAsync(nina, number))["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == "Implement → Review: VLAN 42 live" && h["actor"]!.GetValue<string>() == "nina");
        var review = Assert.Single(await OpenTasksAsync(nina, number));
        await CloseTaskAsync(fixture, "nina", review.Number);

        Assert.Equal("Closed", await StatusAsync(nina, number));
        Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Change {number} closed" && m.To.SequenceEqual(["nina@example.test"]));
    }

    [Fact]
    public async Task HandedToAnotherTeam_BeforeItsWindow_ItsImplementationGoesToThatTeam()
    {
        var (start, end) = Window(21);
        var (nina, number) = await RaiseAsync("nina", new { title = "Replace the core switch's line card", type = "standard", services = Network, plannedStart = start, plannedEnd = end });
        var revision = (await TicketAsync(nina, number))["ticket"]!["revision"]!.GetValue<long>();
        await OkAsync(await nina.PostJsonAsync($"/api/tickets/{number}/assign", new { revision, assignmentGroup = "Network Engineering" }));

        // v7 sent the work to the group the change was raised with (Network), whoever had the change by then.
        await AdvanceAsync(fixture, start - fixture.EngineClock.GetUtcNow());
        var implement = Assert.Single(await OpenTasksAsync(nina, number));
        Assert.Equal("Network Engineering", implement.Group);
        await SettleAsync(fixture);
        Assert.Contains(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith($"New task {implement.Number} for Network Engineering from {number}", StringComparison.Ordinal) && m.To.SequenceEqual(["grace@example.test"]));

        // Called off while it is being implemented: whoever has its task hears to stop (the requester, who cancelled it, does not).
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{number}/cancel", new { reason = "The vendor recalled the line card" }));
        await SettleAsync(fixture);
        var stop = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"{number} was cancelled: stop work on it");
        Assert.Equal(["grace@example.test"], stop.To);
        Assert.Contains($"Its task {implement.Number} closed with it", stop.Text, StringComparison.Ordinal);
        Assert.Contains("The vendor recalled the line card", stop.Text, StringComparison.Ordinal);
        Assert.Empty(await OpenTasksAsync(nina, number));
    }

    [Fact]
    public async Task ImplementationBackedOut_ClosesIncomplete_AndTheRequesterReadsThatItFailed()
    {
        var (start, end) = Window(20);
        var (nina, number) = await RaiseAsync("nina", new { title = "Upgrade the core switch firmware", type = "standard", services = Network, plannedStart = start, plannedEnd = end });
        await AdvanceAsync(fixture, start - fixture.EngineClock.GetUtcNow());
        var implement = Assert.Single(await OpenTasksAsync(nina, number));

        await CloseTaskAsync(fixture, "nina", implement.Number, "Incomplete", "Firmware refused the config; rolled back to 17.3");
        Assert.Contains((await TicketAsync(nina, number))["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == "Implement → Review: Implementation failed and was backed out: Firmware refused the config; rolled back to 17.3");
        var review = Assert.Single(await OpenTasksAsync(nina, number));
        await CloseTaskAsync(fixture, "nina", review.Number);

        Assert.Equal("Closed incomplete", await StatusAsync(nina, number));
        var closed = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith($"Change {number} closed", StringComparison.Ordinal));
        Assert.Equal($"Change {number} closed incomplete: backed out", closed.Subject);
        Assert.Contains($"Change {number} failed: its implementation was backed out (\u201cFirmware refused the config; rolled back to 17.3\u201d). It was reviewed and closed incomplete", closed.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("was implemented, reviewed and closed", closed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NormalHighRisk_NeedsTheWholeCab_ButNotTheRequester()
    {
        var (start, end) = Window(2);
        // A critical service and no back-out plan: high risk.
        var (nina, number) = await RaiseAsync("nina", new
        {
            title = "Migrate mail relay", type = "normal", services = Email, plannedStart = start, plannedEnd = end,
            implementationPlan = "Move MX records", testPlan = "Send test mail", questionnaire = new { userImpact = "some", tested = true },
        });
        var detail = await TicketAsync(nina, number);
        Assert.Equal("Authorize", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal("High", detail["ticket"]!["risk"]!.GetValue<string>());
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>().Contains("There is no back-out plan", StringComparison.Ordinal));
        Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Change {number} submitted: Migrate mail relay" && m.Text.Contains("risk High", StringComparison.Ordinal));

        // The CAB is dave, carol and nina; nina raised it, so dave and carol must both approve.
        var approvals = (await fixture.Smtp.ReceivedAsync()).Messages.Where(m => m!["subject"]!.GetValue<string>() == $"Approval needed: Change {number}: Migrate mail relay")
            .SelectMany(m => m!["to"]!.AsArray().Select(a => a!.GetValue<string>())).Order().ToList();
        Assert.Equal(["carol@example.test", "dave@example.test"], approvals);
        await OkAsync(await DecideAsync(fixture, "dave", number, "Approved"));
        Assert.Equal("Authorize", await StatusAsync(nina, number));
        await OkAsync(await DecideAsync(fixture, "carol", number, "Approved"));

        Assert.Equal("Scheduled", await StatusAsync(nina, number));
    }

    [Fact]
    public async Task NormalLowRisk_OneApproverIsEnough()
    {
        var (start, end) = Window(3, hours: 1);
        var (nina, number) = await RaiseLowRiskNormalAsync("Rotate laptop disk-encryption keys", start, end);
        Assert.Equal("Low", (await TicketAsync(nina, number))["ticket"]!["risk"]!.GetValue<string>());

        await OkAsync(await DecideAsync(fixture, "carol", number, "Approved"));

        Assert.Equal("Scheduled", await StatusAsync(nina, number));
    }

    [Fact]
    public async Task Rejected_ByTheCab_EndsItAndTellsTheRequester()
    {
        var (start, end) = Window(4, hours: 1);
        var (nina, number) = await RaiseAsync("nina", new
        {
            title = "Disable legacy TLS", type = "normal", services = Network, plannedStart = start, plannedEnd = end,
            implementationPlan = "Change the cipher list", backoutPlan = "Revert", testPlan = "Scan",
        });

        await OkAsync(await DecideAsync(fixture, "dave", number, "Rejected", "Wait until the scanners are upgraded"));

        Assert.Equal("Rejected", await StatusAsync(nina, number));
        var mail = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Change {number} rejected");
        Assert.Contains("not authorized: \u201cWait until the scanners are upgraded\u201d.", mail.Text, StringComparison.Ordinal);
        // The history names the approver as people know her (change-approval v6), not by her user name.
        var history = (await TicketAsync(nina, number))["history"]!.AsArray().Select(h => h!["text"]!.GetValue<string>()).ToList();
        Assert.Contains(history, h => h.EndsWith("→ Rejected: Dave Owner: Wait until the scanners are upgraded", StringComparison.Ordinal));
        // It will not happen: the change calendar no longer shows it in its window.
        var calendar = await OkAsync(await nina.GetAsync($"/api/changes/calendar?from={Uri.EscapeDataString(start.AddDays(-1).ToString("O"))}&to={Uri.EscapeDataString(end.AddDays(1).ToString("O"))}", Ct));
        Assert.DoesNotContain(calendar["changes"]!.AsArray(), c => c!["number"]!.GetValue<string>() == number);
    }

    [Fact]
    public async Task Conflict_HoldsScheduling_UntilItIsRescheduled()
    {
        var (start, end) = Window(5);
        var (nina, first) = await RaiseAsync("nina", new { title = "Core switch firmware", type = "standard", services = NetworkAndEmail, plannedStart = start, plannedEnd = end });
        Assert.Equal("Scheduled", await StatusAsync(nina, first));

        var (_, second) = await RaiseAsync("nina", new { title = "Firewall rule review", type = "standard", services = Network, plannedStart = start.AddHours(1), plannedEnd = end.AddHours(1) });

        var detail = await TicketAsync(nina, second);
        Assert.Equal("On hold: conflict", detail["ticket"]!["status"]!.GetValue<string>()); // says why it is not moving
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>().Contains($"Overlaps {first} (Core switch firmware) on Network and VPN, {start.UtcDateTime:yyyy-MM-dd HH:mm}\u2013{end.UtcDateTime:HH:mm} UTC.", StringComparison.Ordinal)); // dated, with its zone: read in an email away from the window
        Assert.Single(await MailAboutAsync(fixture, second), m => m.Subject == $"Change {second} cannot be scheduled yet");

        // Rescheduling into another clash holds it again; a free window schedules it.
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{second}/reschedule", new { plannedStart = start.AddMinutes(30), plannedEnd = end }));
        await SettleAsync(fixture);
        Assert.Equal("On hold: conflict", await StatusAsync(nina, second));
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{second}/reschedule", new { plannedStart = end, plannedEnd = end.AddHours(1) }));
        await SettleAsync(fixture);

        detail = await TicketAsync(nina, second);
        Assert.Equal("Scheduled", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal(end, detail["ticket"]!["plannedStart"]!.GetValue<DateTimeOffset>());
        var calendar = await OkAsync(await nina.GetAsync($"/api/changes/calendar?from={Uri.EscapeDataString(start.AddDays(-1).ToString("O"))}&to={Uri.EscapeDataString(start.AddDays(1).ToString("O"))}", Ct));
        Assert.Equal([first, second], calendar["changes"]!.AsArray().Select(c => c!["number"]!.GetValue<string>()).Where(n => n == first || n == second));
    }

    [Fact]
    public async Task Reschedule_ToAWindowAlreadyOver_IsRefused_AndTheChangeStaysHeld()
    {
        var (start, end) = Window(9);
        var (nina, first) = await RaiseAsync("nina", new { title = "Replace patch panel", type = "standard", services = Network, plannedStart = start, plannedEnd = end });
        var (_, second) = await RaiseAsync("nina", new { title = "Re-cable rack 4", type = "standard", services = Network, plannedStart = start, plannedEnd = end });
        Assert.Equal(("Scheduled", "On hold: conflict"), (await StatusAsync(nina, first), await StatusAsync(nina, second)));

        var past = fixture.EngineClock.GetUtcNow().AddDays(-2);
        var refused = await nina.PostJsonAsync($"/api/changes/{second}/reschedule", new { plannedStart = past, plannedEnd = past.AddHours(2) });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("already over", (await ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await SettleAsync(fixture);

        var detail = await TicketAsync(nina, second);
        Assert.Equal("On hold: conflict", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal(start, detail["ticket"]!["plannedStart"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Type_InAnyCase_IsAccepted_AndStoredInLowerCase()
    {
        var (start, end) = Window(10);
        var (nina, number) = await RaiseAsync("nina", new { title = "Rename a VLAN", type = "Standard", services = Network, plannedStart = start, plannedEnd = end });

        var detail = await TicketAsync(nina, number);
        Assert.Equal("standard", detail["ticket"]!["changeType"]!.GetValue<string>());
        Assert.Equal("Scheduled", detail["ticket"]!["status"]!.GetValue<string>()); // the workflow took the standard path
        // And a normal change still needs its plan, whatever the case.
        var refused = await nina.PostJsonAsync("/api/changes", new { title = "Swap firewall", type = "NORMAL", services = Network, plannedStart = start.AddDays(1), plannedEnd = end.AddDays(1) });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("A normal change needs an implementation plan.", (await ReadAsync(refused))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task BlackoutWindow_HoldsAChange()
    {
        var (start, end) = Window(6);
        await ImportAsync(fixture);
        await ClearBlackoutsAsync(fixture);
        var dave = await fixture.ClientAsync("dave");
        await OkAsync(await dave.PostJsonAsync("/api/blackout-windows", new { name = "Payroll run", start = start.AddHours(-1), end = end.AddHours(1), services = Array.Empty<string>() }));
        var nina = await fixture.ClientAsync("nina");
        var created = await OkAsync(await nina.PostJsonAsync("/api/changes", await FromTestTemplateAsync(fixture, new { title = "Patch hypervisors", type = "standard", services = Crm, plannedStart = start, plannedEnd = end })));
        var number = created["number"]!.GetValue<string>();
        await SettleAsync(fixture);

        Assert.Contains((await TicketAsync(nina, number))["history"]!.AsArray(), h => h!["text"]!.GetValue<string>().Contains("blackout window Payroll run", StringComparison.Ordinal));
        Assert.NotEqual("Scheduled", await StatusAsync(nina, number));
        await ClearBlackoutsAsync(fixture);
    }

    [Fact]
    public async Task AChangeWhoseOwnAnswersSayItIsRisky_CannotSkipTheCab_AsStandard()
    {
        var (start, end) = Window(8);
        await ImportAsync(fixture);
        var bob = await fixture.ClientAsync("bob");
        var refused = await bob.PostJsonAsync("/api/changes", await FromTestTemplateAsync(fixture, new
        {
            title = "Reformat the production mail server", type = "standard", services = Network, plannedStart = start, plannedEnd = end,
            questionnaire = new { userImpact = "all", tested = false, rollbackTested = false, doneBefore = false, downtime = true },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var detail = (await ReadAsync(refused))["detail"]!.GetValue<string>();
        Assert.Contains("by its own answers this one is High risk (All users are affected. The change has not been tested.", detail, StringComparison.Ordinal);
        Assert.Contains("Raise it as a normal change", detail, StringComparison.Ordinal);
        // Routine answers keep the standard path.
        var routine = await bob.PostJsonAsync("/api/changes", await FromTestTemplateAsync(fixture, new
        {
            title = "Rotate the relay certificates", type = "standard", services = Network, plannedStart = start, plannedEnd = end,
            questionnaire = new { userImpact = "none", tested = true, rollbackTested = true, doneBefore = true, downtime = false },
        }));
        Assert.Equal(HttpStatusCode.Created, routine.StatusCode);
    }

    [Fact]
    public async Task Emergency_GoesToTheEmergencyApprover_AndTimesOutInTwoHours()
    {
        var (start, end) = Window(7);
        var (nina, number) = await RaiseAsync("nina", new
        {
            title = "Block the exploited port", type = "emergency", services = Network, plannedStart = start, plannedEnd = end, backoutPlan = "Remove the rule",
        });
        Assert.Equal("Authorize", await StatusAsync(nina, number));
        var approvers = (await fixture.Smtp.ReceivedAsync()).Messages.Where(m => m!["subject"]!.GetValue<string>().Contains($"EMERGENCY change {number}", StringComparison.Ordinal))
            .SelectMany(m => m!["to"]!.AsArray().Select(a => a!.GetValue<string>())).Order().ToList();
        Assert.Equal(["grace@example.test", "henry@example.test"], approvers);

        // Every 30 minutes those who have not decided are reminded (from v8), with a fresh link.
        await AdvanceAsync(fixture, TimeSpan.FromMinutes(30));
        var reminded = (await fixture.Smtp.ReceivedAsync()).Messages.Where(m => m!["subject"]!.GetValue<string>().StartsWith("Reminder: Approval needed", StringComparison.Ordinal)
            && m["subject"]!.GetValue<string>().Contains(number, StringComparison.Ordinal)).SelectMany(m => m!["to"]!.AsArray().Select(a => a!.GetValue<string>())).Order().ToList();
        Assert.Equal(["grace@example.test", "henry@example.test"], reminded);

        await AdvanceAsync(fixture, TimeSpan.FromHours(1) + TimeSpan.FromMinutes(31));

        Assert.Equal("Rejected", await StatusAsync(nina, number));
        Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Change {number} rejected" && m.Text.Contains("did not decide in time", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancelled_WhileAwaitingTheCab_StopsTheProcess()
    {
        var (start, end) = Window(8);
        var (nina, number) = await RaiseAsync("nina", new
        {
            title = "Replace core router", type = "normal", services = Network, plannedStart = start, plannedEnd = end, implementationPlan = "Swap",
        });
        Assert.Equal("Authorize", await StatusAsync(nina, number));

        await OkAsync(await nina.PostJsonAsync($"/api/changes/{number}/cancel", new { reason = "Vendor delayed the hardware" }));

        var detail = await TicketAsync(nina, number);
        Assert.Equal("Cancelled", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal("Cancelled", detail["processStatus"]!.GetValue<string>());
        Assert.Empty(detail["waitingOn"]!.AsArray());
        // Its approval is closed with it: it leaves the CAB's inboxes and its links decide nothing.
        var inbox = (await OkAsync(await (await fixture.ClientAsync("dave")).GetAsync("/api/approvals/inbox", Ct))).AsArray();
        Assert.DoesNotContain(inbox, a => a!["title"]!.GetValue<string>().Contains(number, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadChange_IsRefusedWithEveryReason()
    {
        await ImportAsync(fixture);
        var nina = await fixture.ClientAsync("nina");
        var response = await nina.PostJsonAsync("/api/changes", new { title = "", type = "urgent", services = Mainframe, plannedStart = DateTimeOffset.UtcNow, plannedEnd = DateTimeOffset.UtcNow.AddHours(-1) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await ReadAsync(response))["detail"]!.GetValue<string>();
        Assert.Contains("needs a title", detail);
        Assert.Contains("standard, normal or emergency", detail);
        Assert.Contains("must end after it starts", detail);
        response = await nina.PostJsonAsync("/api/changes", new
        {
            title = "Old news", type = "normal", services = Network, implementationPlan = "x",
            plannedStart = fixture.EngineClock.GetUtcNow().AddDays(-2), plannedEnd = fixture.EngineClock.GetUtcNow().AddDays(-1),
            questionnaire = new { userImpact = "everyone", tested = "yes", colour = "red" },
        });
        detail = (await ReadAsync(response))["detail"]!.GetValue<string>();
        Assert.Contains("already over", detail);
        Assert.Contains("'userImpact' is one of none, some, many, all", detail);
        Assert.Contains("'tested' is answered true or false", detail);
        Assert.Contains("no question 'colour'", detail);
        // A requester cannot raise changes at all, and is told why.
        var forbidden = await (await fixture.ClientAsync("alice")).PostJsonAsync("/api/changes", new JsonObject());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("signed in as alice", (await ReadAsync(forbidden))["detail"]!.GetValue<string>());
    }
}
