using System.Text.Json;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>A change whose window is overtaken: approved after it ended, or covered by a blackout added later.</summary>
public sealed partial class ChangeProcessTests
{
    [Fact]
    public async Task ApprovedAfterItsWindowEnded_IsHeldForANewOne_NotImplemented()
    {
        // A window this afternoon; the CAB decides tonight, well within its time to decide.
        var start = fixture.EngineClock.GetUtcNow().AddHours(2);
        var end = start.AddHours(1);
        var (nina, number) = await RaiseLowRiskNormalAsync("Renew the VPN certificate", start, end);
        await AdvanceAsync(fixture, end - fixture.EngineClock.GetUtcNow() + TimeSpan.FromHours(1));

        await OkAsync(await DecideAsync(fixture, "carol", number, "Approved"));

        var detail = await TicketAsync(nina, number);
        Assert.Equal("On hold: conflict", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.True(detail["movable"]!.GetValue<bool>()); // the page offers the move form
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>().Contains("The planned window ended", StringComparison.Ordinal));
        Assert.Empty(detail["tasks"]!.AsArray());
        var (newStart, newEnd) = Window(10, hours: 1);
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = newStart, plannedEnd = newEnd }));
        await SettleAsync(fixture);

        // A new window is authorized again: the CAB is asked about this window, not the one it approved.
        Assert.Equal("Authorize", await StatusAsync(nina, number));
        var carol = await fixture.ClientAsync("carol");
        var inbox = (await OkAsync(await carol.GetAsync("/api/approvals/inbox", Ct))).AsArray();
        var asked = Assert.Single(inbox, a => a!["title"]!.GetValue<string>().Contains(number, StringComparison.Ordinal))!;
        var details = JsonSerializer.Serialize(asked["details"]);
        Assert.Contains($"{newStart.UtcDateTime:yyyy-MM-dd HH:mm}", details, StringComparison.Ordinal);
        await OkAsync(await DecideAsync(fixture, "carol", number, "Approved"));
        Assert.Equal("Scheduled", await StatusAsync(nina, number));
    }

    [Fact]
    public async Task AChangeHeldByAnother_IsCheckedAgainInItsOwnWindow_OnceTheOtherMovesAway()
    {
        var (start, end) = Window(23);
        var (nina, blocker) = await RaiseAsync("nina", new { title = "Replace the VPN concentrator", type = "standard", services = Network, plannedStart = start, plannedEnd = end });
        var (_, held) = await RaiseAsync("nina", new { title = "Re-key the VPN tunnels", type = "standard", services = Network, plannedStart = start, plannedEnd = end });
        Assert.Equal(("Scheduled", "On hold: conflict"), (await StatusAsync(nina, blocker), await StatusAsync(nina, held)));
        // Its own window while it still clashes: checked again, and held again.
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{held}/reschedule", new { plannedStart = start, plannedEnd = end }));
        await SettleAsync(fixture);
        Assert.Equal("On hold: conflict", await StatusAsync(nina, held));

        // The other one moves away: the held one asks for its own window again (before: "planned for that window
        // already", so it had to be moved away and back) and is scheduled in it.
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{blocker}/reschedule", new { plannedStart = start.AddDays(1), plannedEnd = end.AddDays(1) }));
        await SettleAsync(fixture);
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{held}/reschedule", new { plannedStart = start, plannedEnd = end }));
        await SettleAsync(fixture);
        var detail = await TicketAsync(nina, held);
        Assert.Equal(("Scheduled", start), (detail["ticket"]!["status"]!.GetValue<string>(), detail["ticket"]!["plannedStart"]!.GetValue<DateTimeOffset>()));
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>().StartsWith("Asked to check its window ", StringComparison.Ordinal));
        // Scheduled, its own window is not a move.
        var same = await nina.PostJsonAsync($"/api/changes/{held}/reschedule", new { plannedStart = start, plannedEnd = end });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, same.StatusCode);
        Assert.Contains("planned for that window already", (await ReadAsync(same))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANormalChangeHeldAfterTheCab_CheckedAgainInItsOwnWindow_IsNotSentToTheCabAgain()
    {
        var (start, end) = Window(24, hours: 1);
        var (nina, blocker) = await RaiseAsync("nina", new { title = "Re-image the kiosk laptops", type = "standard", services = Laptops, plannedStart = start, plannedEnd = end });
        var (_, number) = await RaiseLowRiskNormalAsync("Roll out the new VPN client", start, end);
        // The CAB sees the whole change it authorizes: its plans beside the back-out plan (v9).
        var approval = (await MailAboutAsync(fixture, number)).First(m => m.Subject.StartsWith($"Approval needed: Change {number}", StringComparison.Ordinal));
        Assert.Contains("Carry out the change", approval.Text, StringComparison.Ordinal);
        Assert.Contains("Check it works", approval.Text, StringComparison.Ordinal);
        await OkAsync(await DecideAsync(fixture, "carol", number, "Approved"));
        Assert.Equal("On hold: conflict", await StatusAsync(nina, number));

        await OkAsync(await nina.PostJsonAsync($"/api/changes/{blocker}/cancel", new { reason = "Not needed" }));
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = start, plannedEnd = end }));
        await SettleAsync(fixture);
        // The CAB approved this window already: checked against the calendar only (v4-v8 sent it to the CAB again).
        var detail = await TicketAsync(nina, number);
        Assert.Equal("Scheduled", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Single(detail["approvals"]!.AsArray());
    }

    [Fact]
    public async Task AScheduledChange_IsMovedUntilItsWindowOpens_EachNewWindowCheckedAgain()
    {
        var (start, end) = Window(11);
        var (nina, number) = await RaiseAsync("nina", new { title = "Patch the mail relays", type = "standard", services = Network, plannedStart = start, plannedEnd = end });
        var (_, other) = await RaiseAsync("nina", new { title = "Swap the edge router", type = "standard", services = Network, plannedStart = start.AddDays(1), plannedEnd = end.AddDays(1) });
        Assert.Equal(("Scheduled", "Scheduled"), (await StatusAsync(nina, number), await StatusAsync(nina, other)));
        // Its diagram marks where it waits: the fork of the window and a move, not activities the diagram does not draw.
        var diagram = await OkAsync(await nina.GetAsync($"/api/tickets/{number}/process", Ct));
        Assert.Equal(["WindowOrMove"], diagram["waiting"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Contains(diagram["journal"]!.AsArray(), j => j!["activityId"]!.GetValue<string>() == "WindowOrMove");
        Assert.True((await TicketAsync(nina, number))["movable"]!.GetValue<bool>());

        // Moved onto the other change's window: the calendar check holds it.
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = start.AddDays(1), plannedEnd = end.AddDays(1) }));
        await SettleAsync(fixture);
        Assert.Equal("On hold: conflict", await StatusAsync(nina, number));

        // Moved to a free window later that day: scheduled there, and the requester is told the new window.
        var (newStart, newEnd) = (start.AddHours(4), end.AddHours(4));
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = newStart, plannedEnd = newEnd }));
        await SettleAsync(fixture);
        var detail = await TicketAsync(nina, number);
        Assert.Equal("Scheduled", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal(newStart, detail["ticket"]!["plannedStart"]!.GetValue<DateTimeOffset>());
        Assert.Equal(2, (await MailAboutAsync(fixture, number)).Count(m => m.Subject.StartsWith($"Change {number} scheduled for", StringComparison.Ordinal)));
        Assert.Contains(await MailAboutAsync(fixture, number), m => m.Subject == $"Change {number} scheduled for {newStart.UtcDateTime:yyyy-MM-dd HH:mm}\u2013{newEnd.UtcDateTime:yyyy-MM-dd HH:mm} UTC");

        // Its first window passes without it: the move called that timer off.
        await AdvanceAsync(fixture, start - fixture.EngineClock.GetUtcNow() + TimeSpan.FromMinutes(30));
        Assert.Equal("Scheduled", await StatusAsync(nina, number));
        // The window opens; in the moment before its timer fires (or while no server fires it), it is not moved either.
        fixture.EngineClock.Advance(newStart - fixture.EngineClock.GetUtcNow() + TimeSpan.FromMinutes(1));
        var tooLate = await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = newStart.AddDays(2), plannedEnd = newEnd.AddDays(2) });
        Assert.Equal(System.Net.HttpStatusCode.Conflict, tooLate.StatusCode);
        Assert.Contains("being implemented", (await ReadAsync(tooLate))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False((await TicketAsync(nina, number))["movable"]!.GetValue<bool>()); // no form that every move would be refused from
        await AdvanceAsync(fixture, TimeSpan.Zero);
        detail = await TicketAsync(nina, number);
        Assert.Equal("Implement", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal(newStart, detail["ticket"]!["plannedStart"]!.GetValue<DateTimeOffset>());
        Assert.Single(detail["tasks"]!.AsArray());
        Assert.False(detail["movable"]!.GetValue<bool>()); // no move form once it is being implemented

        // Once its window has opened it is not moved: refused, and nothing changes, not even its revision or time.
        var (revision, updatedAt) = (detail["ticket"]!["revision"]!.GetValue<long>(), detail["ticket"]!["updatedAt"]!.GetValue<DateTimeOffset>());
        fixture.EngineClock.Advance(TimeSpan.FromMinutes(1));
        var refused = await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = newStart.AddDays(2), plannedEnd = newEnd.AddDays(2) });
        Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("cannot be moved now (its status is Implement)", (await ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        detail = await TicketAsync(nina, number);
        Assert.Equal(newStart, detail["ticket"]!["plannedStart"]!.GetValue<DateTimeOffset>());
        Assert.Equal("Implement", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal((revision, updatedAt), (detail["ticket"]!["revision"]!.GetValue<long>(), detail["ticket"]!["updatedAt"]!.GetValue<DateTimeOffset>()));
    }

    [Fact]
    public async Task AMoveIntoAWindowAlreadyStarted_IsRefused_AndTheChangeStaysScheduled()
    {
        var (start, end) = Window(13);
        var (nina, number) = await RaiseAsync("nina", new { title = "Rotate the backup tapes", type = "standard", services = Network, plannedStart = start, plannedEnd = end });
        Assert.Equal("Scheduled", await StatusAsync(nina, number));
        var now = fixture.EngineClock.GetUtcNow();

        // Started an hour ago, ending tonight: not a window to plan for any more.
        var refused = await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = now.AddHours(-1), plannedEnd = now.AddHours(6) });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("would already have started", (await ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await SettleAsync(fixture);
        var detail = await TicketAsync(nina, number);
        Assert.Equal("Scheduled", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal(start, detail["ticket"]!["plannedStart"]!.GetValue<DateTimeOffset>());
        Assert.DoesNotContain(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>().StartsWith("Rescheduled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnApprovedNormalChange_MovedToAnotherWindow_GoesBackToTheCab()
    {
        var (start, end) = Window(12, hours: 1);
        var (nina, number) = await RaiseLowRiskNormalAsync("Resize the mail database volume", start, end);
        // The CAB has five days to decide; the emailed link works as long (it used to die after three).
        var due = Assert.Single((await OkAsync(await (await fixture.ClientAsync("carol")).GetAsync("/api/approvals/inbox", Ct))).AsArray(),
            a => a!["title"]!.GetValue<string>().Contains(number, StringComparison.Ordinal))!["dueAt"]!.GetValue<DateTimeOffset>();
        Assert.Contains(await MailAboutAsync(fixture, number), m => m.To.Any(t => t.Contains("carol@", StringComparison.Ordinal))
            && m.Text.Contains($"expire on {due.UtcDateTime:yyyy-MM-dd HH:mm} UTC", StringComparison.Ordinal));
        await OkAsync(await DecideAsync(fixture, "carol", number, "Approved"));
        Assert.Equal("Scheduled", await StatusAsync(nina, number));

        // Moved into a ten-hour window: assessed again (a long window weighs on the risk) and asked of the CAB again.
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = start.AddDays(1), plannedEnd = start.AddDays(1).AddHours(10) }));
        await SettleAsync(fixture);
        Assert.Equal("Authorize", await StatusAsync(nina, number));
        var carol = await fixture.ClientAsync("carol");
        var asked = Assert.Single((await OkAsync(await carol.GetAsync("/api/approvals/inbox", Ct))).AsArray(), a => a!["title"]!.GetValue<string>().Contains(number, StringComparison.Ordinal))!;
        Assert.Contains($"{start.AddDays(1).UtcDateTime:yyyy-MM-dd HH:mm}", JsonSerializer.Serialize(asked["details"]), StringComparison.Ordinal);
        // Said as a move, not a new change: the approval's title names the new window and its details the old one, and
        // the requester hears it moved and went back to the CAB (one "submitted" email, from when it was raised).
        var newWindow = $"{start.AddDays(1).UtcDateTime:yyyy-MM-dd HH:mm}\u2013{start.AddDays(1).AddHours(10).UtcDateTime:yyyy-MM-dd HH:mm} UTC";
        Assert.EndsWith($"(moved to {newWindow})", asked["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(asked["details"]!.AsArray(), d => d!["key"]!.GetValue<string>() == "Moved from" && d["value"]!.GetValue<string>() == $"{start.UtcDateTime:yyyy-MM-dd HH:mm}\u2013{end.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        var mail = await MailAboutAsync(fixture, number);
        Assert.Single(mail, m => m.Subject.StartsWith($"Change {number} submitted", StringComparison.Ordinal));
        var moved = Assert.Single(mail, m => m.Subject == $"Change {number} moved to {newWindow}: back for approval");
        Assert.Equal(["nina@example.test"], moved.To);
        await OkAsync(await DecideAsync(fixture, "carol", number, "Approved"));
        var detail = await TicketAsync(nina, number);
        Assert.Equal("Scheduled", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Equal(start.AddDays(1), detail["ticket"]!["plannedStart"]!.GetValue<DateTimeOffset>());
        // The ticket lists both approvals, told apart by their titles.
        Assert.Equal(2, detail["approvals"]!.AsArray().Select(a => a!["title"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task AnEmergencyChange_Moved_GoesBackToTheEmergencyApprovers_AndItsRequesterIsToldSo()
    {
        var (start, end) = Window(14, hours: 1);
        var (nina, number) = await RaiseAsync("nina", new
        {
            title = "Patch the VPN concentrator", type = "emergency", services = Network, plannedStart = start, plannedEnd = end, backoutPlan = "Restore the image",
        });
        // Raised: she hears it went to the emergency approvers (an emergency change used to send her nothing).
        var submitted = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject.StartsWith($"Change {number} submitted", StringComparison.Ordinal));
        Assert.Contains("(emergency) was submitted to the emergency approvers.", submitted.Text, StringComparison.Ordinal);
        await OkAsync(await DecideAsync(fixture, "grace", number, "Approved"));
        Assert.Equal("Scheduled", await StatusAsync(nina, number));

        var (newStart, newEnd) = (start.AddHours(3), end.AddHours(3));
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = newStart, plannedEnd = newEnd }));
        await SettleAsync(fixture);
        Assert.Equal("Authorize", await StatusAsync(nina, number));
        var window = $"{newStart.UtcDateTime:yyyy-MM-dd HH:mm}\u2013{newEnd.UtcDateTime:yyyy-MM-dd HH:mm} UTC";
        var moved = Assert.Single(await MailAboutAsync(fixture, number), m => m.Subject == $"Change {number} moved to {window}: back for approval");
        Assert.Contains("goes back to the emergency approvers for approval of the new window", moved.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("assessed again", moved.Text, StringComparison.Ordinal); // an emergency change has no risk assessment
        await OkAsync(await DecideAsync(fixture, "grace", number, "Approved"));
        Assert.Equal("Scheduled", await StatusAsync(nina, number));
    }

    [Fact]
    public async Task BlackoutWindow_AddedOverAScheduledChange_NamesIt_AndTellsItsHistory()
    {
        var (start, end) = Window(8);
        await ImportAsync(fixture);
        await ClearBlackoutsAsync(fixture);
        var (nina, number) = await RaiseAsync("nina", new { title = "Replace the core switch PSU", type = "standard", services = Network, plannedStart = start, plannedEnd = end });
        Assert.Equal("Scheduled", await StatusAsync(nina, number));
        var dave = await fixture.ClientAsync("dave");

        var elsewhere = await OkAsync(await dave.PostJsonAsync("/api/blackout-windows", new { name = "CRM freeze", start, end, services = Crm }));
        var freeze = await OkAsync(await dave.PostJsonAsync("/api/blackout-windows", new { name = "Network freeze", start = start.AddHours(-1), end = end.AddHours(1), services = Network }));

        Assert.Empty(elsewhere["scheduledChanges"]!.AsArray());
        Assert.Equal([number], freeze["scheduledChanges"]!.AsArray().Select(c => c!["number"]!.GetValue<string>()));
        var detail = await TicketAsync(nina, number);
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>().StartsWith("Blackout window Network freeze", StringComparison.Ordinal)
            && h["text"]!.GetValue<string>().Contains("move it to another window while it is still scheduled", StringComparison.Ordinal));
        Assert.Equal("Scheduled", detail["ticket"]!["status"]!.GetValue<string>());
        await ClearBlackoutsAsync(fixture);
    }
    [Fact]
    public async Task AChangeWithTheLongestTitle_StillOpensItsImplementationTask_ItsTitleCutToFit()
    {
        var start = fixture.EngineClock.GetUtcNow().AddHours(1);
        var title = "Replace the core router " + new string('x', 276);
        var (nina, number) = await RaiseAsync("nina", new { title, type = "standard", services = Laptops, plannedStart = start, plannedEnd = start.AddHours(1) });
        Assert.Equal(300, (await TicketAsync(nina, number))["ticket"]!["title"]!.GetValue<string>().Length);

        await AdvanceAsync(fixture, TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));

        Assert.Equal("Implement", await StatusAsync(nina, number));
        var task = Assert.Single(await OpenTasksAsync(nina, number));
        Assert.StartsWith($"Implement {number}: Replace the core router", task.Title, StringComparison.Ordinal);
        Assert.Equal(300, task.Title.Length);
        Assert.EndsWith("…", task.Title, StringComparison.Ordinal);
    }
}
