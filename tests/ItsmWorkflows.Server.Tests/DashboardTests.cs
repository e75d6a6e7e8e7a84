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
