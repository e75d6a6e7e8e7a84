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
        var (nina, number) = await RaiseAsync("nina", new
        {
            title = "Renew the VPN certificate", type = "normal", services = Laptops, plannedStart = start, plannedEnd = end,
            implementationPlan = "Upload the new certificate", backoutPlan = "Restore the old one", testPlan = "Join the network",
            questionnaire = new { userImpact = "none", tested = true, rollbackTested = true, doneBefore = true },
        });
        await AdvanceAsync(fixture, end - fixture.EngineClock.GetUtcNow() + TimeSpan.FromHours(1));

        await OkAsync(await DecideAsync(fixture, "carol", number, "Approved"));

        var detail = await TicketAsync(nina, number);
        Assert.Equal("On hold: conflict", detail["ticket"]!["status"]!.GetValue<string>());
        Assert.Contains(detail["history"]!.AsArray(), h => h!["text"]!.GetValue<string>().Contains("The planned window ended", StringComparison.Ordinal));
        Assert.Empty(detail["tasks"]!.AsArray());
        var (newStart, newEnd) = Window(10, hours: 1);
        await OkAsync(await nina.PostJsonAsync($"/api/changes/{number}/reschedule", new { plannedStart = newStart, plannedEnd = newEnd }));
        await SettleAsync(fixture);
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
            && h["text"]!.GetValue<string>().Contains("cancel it and raise it again for another window", StringComparison.Ordinal));
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
