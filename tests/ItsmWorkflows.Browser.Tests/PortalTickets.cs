using System.Text.Json.Nodes;
using Xunit;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>Tickets the portal tests start from, raised through the API.</summary>
internal static class PortalTickets
{
    /// <summary>alice asks for VPN access (no approval needed); its first fulfilment task goes to Network (nina). Returns the task's number.</summary>
    public static async Task<string> VpnTaskAsync(DesignerFixture fixture)
    {
        var (alice, _) = await fixture.SignedInAsync("alice");
        await using (alice)
        {
            var raised = await alice.APIRequest.PostAsync("/api/requests", new() { DataObject = new { catalogItemId = "vpn-access", answers = new { reason = "On call from home" } } });
            Assert.True(raised.Ok, await raised.TextAsync());
            var number = JsonNode.Parse(await raised.TextAsync())!["number"]!.GetValue<string>();
            for (var i = 0; i < 100; i++)
            {
                var detail = JsonNode.Parse(await (await alice.APIRequest.GetAsync($"/api/tickets/{number}")).TextAsync())!;
                if (detail["tasks"]?.AsArray().FirstOrDefault() is { } task)
                {
                    Assert.Equal("Network", task["assignmentGroup"]!.GetValue<string>());
                    return task["number"]!.GetValue<string>();
                }
                await Task.Delay(200);
            }
            Assert.Fail($"{number} opened no task in 20 seconds.");
            return "";
        }
    }
}
