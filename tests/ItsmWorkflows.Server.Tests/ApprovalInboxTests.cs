using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>An approver's inbox lists exactly the approvals waiting for their decision, however many they were ever asked for.</summary>
public sealed partial class ApprovalTests
{
    private async Task<string[]> InboxAsync(string userName) =>
        [.. (await OkAsync(await (await fixture.ClientAsync(userName)).GetAsync("/api/approvals/inbox", Ct))).AsArray().Select(i => i!["approvalId"]!.GetValue<string>())];

    [Fact]
    public async Task Inbox_lists_open_undecided_slots_only()
    {
        var (_, _, waiting) = await StartAsync("['nina', 'carol']", rule: "All");
        var (_, _, decidedByNina) = await StartAsync("['nina', 'carol']", rule: "All");
        var (owner, cancelledInstance, cancelled) = await StartAsync("['nina', 'carol']", rule: "All");
        var (_, _, closed) = await StartAsync("['nina']");

        var nina = await fixture.ClientAsync("nina");
        await OkAsync(await nina.PostJsonAsync($"/api/approvals/{decidedByNina}/decision", new { decision = "approve" }));
        await OkAsync(await nina.PostJsonAsync($"/api/approvals/{closed}/decision", new { decision = "reject" }));
        await OkAsync(await owner.PostAsync($"/api/instances/{cancelledInstance}/cancel", null, Ct));

        var ninas = await InboxAsync("nina");
        Assert.Contains(waiting, ninas);
        Assert.DoesNotContain(decidedByNina, ninas); // her slot is decided; the approval still waits for carol
        Assert.DoesNotContain(cancelled, ninas);     // the workflow no longer waits on it
        Assert.DoesNotContain(closed, ninas);        // decided and closed

        var carols = await InboxAsync("carol");
        Assert.Contains(waiting, carols);
        Assert.Contains(decidedByNina, carols);
        Assert.DoesNotContain(cancelled, carols);
        Assert.DoesNotContain(closed, carols);
    }
}
