using ItsmWorkflows.Server.Definitions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// Moving the incidents of an older shipped process to the newest: what the process owner reads. Incidents started on
/// incident-escalation v2 cannot move to v3 (v3 put the hold inside a fork: a waiting reply now sits in another
/// place); the move says so for each, named by its ticket, not by an instance id. Those started on v3 move to v4.
/// </summary>
public sealed class ShippedMigrationTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private async Task ShipAsync(string file)
    {
        var target = Directory.CreateDirectory(Path.Combine(fixture.WorkflowsFolder, "incident-escalation")).FullName;
        File.Copy(Path.Combine(RepoRoot, "workflows", "incident-escalation", file), Path.Combine(target, file), overwrite: true);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ShippedWorkflows>().ImportAsync(Ct);
    }

    [Fact]
    public async Task IncidentsOfAnOlderShippedVersion_TheRefusedAreNamedByTheirTickets()
    {
        await ShipAsync("v2.json"); // a database that ran v2: its version 1
        var alice = await fixture.ClientAsync("alice");
        var numbers = new List<string>();
        foreach (var title in new[] { "Printer jams", "Wi-Fi drops" })
        {
            numbers.Add((await OkAsync(await alice.PostJsonAsync("/api/incidents", new { title, serviceId = "network", impact = 2, urgency = 2 })))["number"]!.GetValue<string>());
        }
        await SettleAsync(fixture);
        await ShipAsync("v3.json"); // the upgrade: version 2, published

        var dave = await fixture.ClientAsync("dave");
        var dry = await OkAsync(await dave.PostJsonAsync("/api/definitions/incident-escalation/migrate-instances", new { fromVersion = 1, targetVersion = 2, dryRun = true }));

        Assert.Equal((2, 0, 2), (dry["checked"]!.GetValue<int>(), dry["migrated"]!.GetValue<int>(), dry["refused"]!.GetValue<int>()));
        Assert.Equal(numbers.Order(), dry["refusedInstances"]!.AsArray().Select(r => r!["ticket"]!.GetValue<string>()).Order());
        Assert.All(dry["refusedInstances"]!.AsArray(), r => Assert.NotEmpty(r!["issues"]!.AsArray()));

        // v4 (the group emailed as an incident opens, targets in words) adds a step before the waits: v3's incidents move to it.
        var onV3 = (await OkAsync(await alice.PostJsonAsync("/api/incidents", new { title = "Laptop dock flickers", serviceId = "network", impact = 3, urgency = 3 })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);
        await ShipAsync("v4.json");
        var moved = await OkAsync(await dave.PostJsonAsync("/api/definitions/incident-escalation/migrate-instances", new { fromVersion = 2, targetVersion = 3 }));
        Assert.Equal((1, 1, 0), (moved["checked"]!.GetValue<int>(), moved["migrated"]!.GetValue<int>(), moved["refused"]!.GetValue<int>()));
        await OkAsync(await (await fixture.ClientAsync("bob")).PostJsonAsync($"/api/incidents/{onV3}/acknowledge", new { }));
        await SettleAsync(fixture);
        Assert.Equal("In progress", await StatusAsync(alice, onV3));

        // v5 (warnings and escalations follow whoever has the incident now) drops the steps that remembered the first
        // group and the first assignee, and their variables: v4's incidents, one taken and one not, move to it and go on.
        var onV4 = (await OkAsync(await alice.PostJsonAsync("/api/incidents", new { title = "Projector in room 4 flickers", serviceId = "network", impact = 3, urgency = 3 })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);
        await ShipAsync("v5.json");
        var toV5 = await OkAsync(await dave.PostJsonAsync("/api/definitions/incident-escalation/migrate-instances", new { fromVersion = 3, targetVersion = 4 }));
        Assert.Equal((2, 2, 0), (toV5["checked"]!.GetValue<int>(), toV5["migrated"]!.GetValue<int>(), toV5["refused"]!.GetValue<int>()));
        var bob = await fixture.ClientAsync("bob");
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{onV4}/acknowledge", new { }));
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{onV3}/resolve", new { note = "Reseated the dock's cable" }));
        await SettleAsync(fixture);
        Assert.Equal("In progress", await StatusAsync(alice, onV4));
        Assert.Equal("Resolved", await StatusAsync(alice, onV3));
    }
}
