using System.Net;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task ALinkUsedWhileTheProcessIsStoppedByAnIncident_DecidesNothing_AndStillWorksAfterwards()
    {
        var eventName = "boom-" + Guid.NewGuid().ToString("N")[..8];
        var json = Definition("approval-" + Guid.NewGuid().ToString("N")[..10], "['nina']", "alice");
        // The same approval on one branch of a fork; on the other, an event that makes the instance fault.
        var definition = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        var flowchart = definition["root"]!.DeepClone();
        definition["root"] = System.Text.Json.Nodes.JsonNode.Parse($$"""
            { "type": "Elsa.Fork", "id": "Both", "joinMode": { "typeName": "String", "expression": { "type": "Literal", "value": "WaitAll" } },
              "branches": [ {{flowchart.ToJsonString()}},
                { "type": "Elsa.Sequence", "id": "Told", "activities": [
                  { "id": "Ev", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "{{eventName}}" } } },
                  { "id": "Boom", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "JavaScript", "value": "(() => { throw new Error('boom'); })()" } } } ] } ] }
            """);
        var (owner, id) = await MailWorkflows.PublishAsync(fixture, definition.ToJsonString());
        var instanceId = (await OkAsync(await owner.PostJsonAsync("/api/instances", new { definitionId = id })))["instance"]!["id"]!.GetValue<string>();
        await MailWorkflows.DeliverAsync(fixture);
        await OkAsync(await owner.PostJsonAsync("/api/instances/events", new { name = eventName }));
        Assert.Equal("Faulted", (await OkAsync(await owner.GetAsync($"/api/instances/{instanceId}", Ct)))["instance"]!["subStatus"]!.GetValue<string>());
        string approvalId;
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            approvalId = await scope.ServiceProvider.GetRequiredService<ItsmDbContext>().Approvals.Where(a => a.InstanceId == instanceId).Select(a => a.Id).SingleAsync(Ct);
        }
        var link = await LinkAsync(approvalId, "nina");

        var (stopped, html) = await ConfirmAsync(await fixture.ClientAsync(null), link, "approve");
        Assert.Equal(HttpStatusCode.Conflict, stopped.StatusCode);
        Assert.Contains("stopped by an incident", html);
        Assert.DoesNotContain(instanceId, html);
        // The link was given back: its page offers the decision again, not "already used".
        var (again, page) = await GetPageAsync(await fixture.ClientAsync(null), link);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("value=\"approve\"", page);
    }
}
