using System.Net;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>The staff dashboard: open work per group and SLA attainment per service, from real incidents under a simulated clock.</summary>
public sealed class DashboardTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private async Task<string> RaiseAsync(string service, int impact, int urgency, string title)
    {
        var alice = await fixture.ClientAsync("alice");
        var created = await OkAsync(await alice.PostJsonAsync("/api/incidents", new { title, serviceId = service, impact, urgency }));
        await SettleAsync(fixture);
        return created["number"]!.GetValue<string>();
    }

    [Fact]
    public async Task Dashboard_CountsOpenWorkPerGroup_AndMetAndBreachedClocksPerService()
    {
        await ImportAsync(fixture);
        // Network P4 (respond within 4 h): one acknowledged at once, one left alone past its response target.
        var handled = await RaiseAsync("network", 3, 2, "Switch port flapping");
        var bob = await fixture.ClientAsync("bob");
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{handled}/acknowledge", new { }));
        await SettleAsync(fixture);
        await RaiseAsync("network", 3, 2, "Wi-Fi slow in room 4");
        // Email, also P4: left alone too.
        await RaiseAsync("email", 3, 2, "Shared mailbox missing");
        await AdvanceAsync(fixture, TimeSpan.FromHours(5));

        var owner = await fixture.ClientAsync("dave");
        var dashboard = await OkAsync(await owner.GetAsync("/api/dashboard?weeks=4", Ct));
        Assert.Equal(4, dashboard["weeks"]!.AsArray().Count);

        var network = dashboard["slaByService"]!.AsArray().Single(s => s!["serviceId"]!.GetValue<string>() == "network")!;
        // Response clocks: one met, one breached; both resolution clocks still run.
        Assert.Equal(1, network["met"]!.GetValue<int>());
        Assert.Equal(1, network["breached"]!.GetValue<int>());
        Assert.Equal(50.0, network["attainment"]!.GetValue<double>());
        var thisWeek = network["weeks"]!.AsArray()[^1]!;
        Assert.Equal((1, 1), (thisWeek["met"]!.GetValue<int>(), thisWeek["breached"]!.GetValue<int>()));
        Assert.True(thisWeek["running"]!.GetValue<int>() >= 2);
        var email = dashboard["slaByService"]!.AsArray().Single(s => s!["serviceId"]!.GetValue<string>() == "email")!;
        Assert.Equal((0, 1, 0.0), (email["met"]!.GetValue<int>(), email["breached"]!.GetValue<int>(), email["attainment"]!.GetValue<double>()));
        Assert.Equal(2, dashboard["allServices"]!.AsArray()[^1]!["breached"]!.GetValue<int>());

        // Open work: bob's incident stays with the Service Desk; the unacknowledged ones went to their services' next tier.
        var groups = dashboard["openByGroup"]!.AsArray().ToDictionary(g => g!["group"]!.GetValue<string>(), g => g!["incidents"]!.GetValue<int>());
        Assert.Equal(new Dictionary<string, int> { ["Service Desk"] = 1, ["Network"] = 1, ["Desktop Support"] = 1 }, groups);

        // The ticket list says where each one is and how its clocks stand, when asked.
        var list = await OkAsync(await owner.GetAsync("/api/tickets?kind=Incident&progress=true", Ct));
        var progress = list["progress"]!.AsObject();
        Assert.Equal("running", progress[handled]!["sla"]!.GetValue<string>()); // response met, resolution running
        Assert.Equal(2, progress.Count(p => p.Value!["sla"]!.GetValue<string>() == "breached"));
        Assert.All(progress, p => Assert.DoesNotContain(p.Value!["waitingOn"]!.AsArray(), w => w!.GetValue<string>().Contains('%', StringComparison.Ordinal)));
        Assert.Null((await OkAsync(await owner.GetAsync("/api/tickets?kind=Incident", Ct)))["progress"]);

        // Requesters do not get the dashboard; a silly window is refused with advice.
        var alice = await fixture.ClientAsync("alice");
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/dashboard", Ct)).StatusCode);
        var tooLong = await owner.GetAsync("/api/dashboard?weeks=400", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("Ask for 1 to 26 weeks", await tooLong.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_SaysHowChangesEnded_TheSuccessRate_AndTheEmergencyAndStandardShares()
    {
        await ImportAsync(fixture);
        await ClearBlackoutsAsync(fixture);
        var nina = await fixture.ClientAsync("nina");
        var now = fixture.EngineClock.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddDays(30);
        string[] network = ["network"];
        async Task<string> RaiseChangeAsync(object change)
        {
            var created = await OkAsync(await nina.PostJsonAsync("/api/changes", await FromTestTemplateAsync(fixture, change)));
            await SettleAsync(fixture);
            return created["number"]!.GetValue<string>();
        }
        // Two standard changes in their own windows (one works, one is backed out), one normal change the CAB rejects,
        // and an emergency change called off.
        var works = await RaiseChangeAsync(new { title = "Add a VLAN", type = "standard", services = network, plannedStart = start, plannedEnd = start.AddHours(1) });
        var fails = await RaiseChangeAsync(new { title = "Swap a line card", type = "standard", services = network, plannedStart = start.AddHours(3), plannedEnd = start.AddHours(4) });
        var rejected = await RaiseChangeAsync(new
        {
            title = "Disable legacy TLS", type = "normal", services = network, plannedStart = start.AddDays(1), plannedEnd = start.AddDays(1).AddHours(1),
            implementationPlan = "Change the cipher list", backoutPlan = "Revert", testPlan = "Scan",
        });
        await OkAsync(await DecideAsync(fixture, "dave", rejected, "Rejected", "Not before the scanners are upgraded"));
        var cancelled = await RaiseChangeAsync(new { title = "Block a port", type = "emergency", services = network, plannedStart = start.AddDays(2), plannedEnd = start.AddDays(2).AddHours(1), backoutPlan = "Remove the rule" });
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{cancelled}/cancel", new { reason = "The vendor patched it" }));
        await SettleAsync(fixture);

        var owner = await fixture.ClientAsync("dave");
        var before = (await OkAsync(await owner.GetAsync("/api/dashboard?weeks=8", Ct)))["changes"]!;
        Assert.Equal((0, 0, 1, 1), (before["successful"]!.GetValue<int>(), before["failed"]!.GetValue<int>(), before["rejected"]!.GetValue<int>(), before["cancelled"]!.GetValue<int>()));
        Assert.Null(before["successRate"]); // nothing implemented yet: no rate, not 0 %

        await AdvanceAsync(fixture, start.AddHours(3) - fixture.EngineClock.GetUtcNow());
        foreach (var (number, outcome) in new[] { (works, "Complete"), (fails, "Incomplete") })
        {
            await CloseTaskAsync(fixture, "nina", Assert.Single(await OpenTasksAsync(nina, number)).Number, outcome, outcome == "Complete" ? "Done" : "Rolled back");
            await CloseTaskAsync(fixture, "nina", Assert.Single(await OpenTasksAsync(nina, number)).Number);
        }
        Assert.Equal(("Closed", "Closed incomplete"), (await StatusAsync(nina, works), await StatusAsync(nina, fails)));

        var changes = (await OkAsync(await owner.GetAsync("/api/dashboard?weeks=8", Ct)))["changes"]!;
        Assert.Equal((1, 1, 1, 1), (changes["successful"]!.GetValue<int>(), changes["failed"]!.GetValue<int>(), changes["rejected"]!.GetValue<int>(), changes["cancelled"]!.GetValue<int>()));
        Assert.Equal((50.0, 25.0, 50.0), (changes["successRate"]!.GetValue<double>(), changes["emergencyShare"]!.GetValue<double>(), changes["standardShare"]!.GetValue<double>()));
        var weeks = changes["weeks"]!.AsArray();
        Assert.Equal(8, weeks.Count);
        int Sum(string field) => weeks.Sum(w => w![field]!.GetValue<int>());
        Assert.Equal((2, 1, 1), (Sum("standard"), Sum("normal"), Sum("emergency")));
        // Each by the week it ended: the rejection and the cancellation now-ish, the two implemented a month on.
        Assert.Equal(2, weeks[^1]!["successful"]!.GetValue<int>() + weeks[^1]!["failed"]!.GetValue<int>());
    }

    [Fact]
    public async Task Dashboard_CountsARequestsClocksOnce_NotAgainForEachOfItsTasks()
    {
        await ImportAsync(fixture);
        var dave = await fixture.ClientAsync("dave");
        var item = "dash-" + Guid.NewGuid().ToString("N")[..8];
        // On crm, which no other test here uses; a long target so no later clock move breaches it.
        await OkAsync(await dave.PutAsync($"/api/catalog/{item}", Body($$"""
            { "id": "{{item}}", "name": "CRM seat", "serviceId": "crm", "form": [], "approvalRequired": false, "approvers": [], "approvalRule": "Any",
              "fulfilmentGroup": "Desktop Support", "tasks": [{ "title": "Create the seat", "group": "Desktop Support" }, { "title": "Train the user", "group": "Service Desk" }],
              "workflowDefinitionId": "request-fulfilment", "price": 60, "active": true, "deliveryTarget": "8.08:00:00" }
            """), Ct));
        var alice = await fixture.ClientAsync("alice");
        var number = (await OkAsync(await alice.PostJsonAsync("/api/requests", new { catalogItemId = item, answers = new { } })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);
        var detail = await TicketAsync(dave, number);
        Assert.NotEmpty(detail["tasks"]!.AsArray()); // the first task is open (they run one after another)
        var clocks = detail["sla"]!.AsObject().Count;
        Assert.True(clocks >= 1, "The request process starts a delivery clock.");

        var crm = (await OkAsync(await dave.GetAsync("/api/dashboard?weeks=1", Ct)))["slaByService"]!.AsArray().Single(s => s!["serviceId"]!.GetValue<string>() == "crm")!;
        Assert.Equal(clocks, crm["weeks"]!.AsArray()[^1]!["running"]!.GetValue<int>());

        // Leave no open work behind for the other test's per-group counts.
        await OkAsync(await alice.PostJsonAsync($"/api/requests/{number}/cancel", new { reason = "Test done" }));
    }
}
