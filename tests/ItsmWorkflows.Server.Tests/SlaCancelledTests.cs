using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// A cancelled ticket's clocks are called off: neither met nor breached, left out of the dashboard's attainment, on
/// the ticket and in the list. That holds for tickets cancelled today and for those whose process was cancelled
/// before cancelling called clocks off (their stored clocks still run), on PostgreSQL under a simulated clock.
/// </summary>
public sealed class SlaCancelledTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private async Task<string> RaiseAsync(HttpClient alice, string title)
    {
        // Network, impact 3 × urgency 2 → P4: respond within 4 hours.
        var created = await OkAsync(await alice.PostJsonAsync("/api/incidents", new { title, serviceId = "network", impact = 3, urgency = 2 }));
        await SettleAsync(fixture);
        return created["number"]!.GetValue<string>();
    }

    /// <summary>What cancelling did before it called clocks off: the process stopped, its clocks left as they were.</summary>
    private async Task CancelTheOldWayAsync(string number)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        var ticket = await db.Tickets.SingleAsync(t => t.Number == number, Ct);
        var instance = await db.Instances.SingleAsync(i => i.Id == ticket.InstanceId, Ct);
        var now = fixture.EngineClock.GetUtcNow();
        var state = JsonNode.Parse(instance.State)!.AsObject();
        Assert.False(state["properties"]!["sla"]!["response"]!["cancelled"]?.GetValue<bool>() ?? false);
        (state["status"], state["subStatus"], state["finishedAt"], state["bookmarks"]) = ("Finished", "Cancelled", now.ToString("O"), new JsonArray());
        instance.State = state.ToJsonString();
        (instance.Status, instance.SubStatus, instance.FinishedAt) = (WorkflowStatus.Finished, WorkflowSubStatus.Cancelled, now);
        (ticket.Status, ticket.ClosedAt) = ("Cancelled", now);
        await db.Bookmarks.Where(b => b.InstanceId == instance.Id).ExecuteDeleteAsync(Ct);
        await db.Timers.Where(t => t.InstanceId == instance.Id).ExecuteDeleteAsync(Ct);
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task CancelledTickets_ClocksAreCalledOff_NowAndForTicketsCancelledBefore()
    {
        await ImportAsync(fixture);
        var alice = await fixture.ClientAsync("alice");
        var left = await RaiseAsync(alice, "Desk phone dead");
        var cancelled = await RaiseAsync(alice, "Printer jam (a duplicate)");
        var cancelledBefore = await RaiseAsync(alice, "Monitor flickers (raised twice)");
        await OkAsync(await alice.PostJsonAsync($"/api/incidents/{cancelled}/cancel", new { reason = "duplicate" }));
        await CancelTheOldWayAsync(cancelledBefore);
        await AdvanceAsync(fixture, TimeSpan.FromHours(5));

        var owner = await fixture.ClientAsync("dave");
        var network = (await OkAsync(await owner.GetAsync("/api/dashboard?weeks=1", Ct)))["slaByService"]!.AsArray().Single(s => s!["serviceId"]!.GetValue<string>() == "network")!;
        // Only the incident left alone breached its response target; the cancelled ones count neither way.
        Assert.Equal((0, 1), (network["met"]!.GetValue<int>(), network["breached"]!.GetValue<int>()));
        Assert.Equal(1, network["weeks"]!.AsArray()[^1]!["running"]!.GetValue<int>()); // the one left alone: resolution still runs

        foreach (var number in new[] { cancelled, cancelledBefore })
        {
            var sla = (await TicketAsync(alice, number))["sla"]!;
            Assert.True(sla["response"]!["cancelled"]!.GetValue<bool>(), number);
            Assert.False(sla["response"]!["breached"]!.GetValue<bool>(), number);
            Assert.True(sla["resolution"]!["cancelled"]!.GetValue<bool>(), number);
        }
        var progress = (await OkAsync(await owner.GetAsync("/api/tickets?kind=Incident&progress=true", Ct)))["progress"]!.AsObject();
        Assert.Equal(("breached", "cancelled", "cancelled"), (progress[left]!["sla"]!.GetValue<string>(), progress[cancelled]!["sla"]!.GetValue<string>(), progress[cancelledBefore]!["sla"]!.GetValue<string>()));
    }
}
