using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Behind a reverse proxy, a decision is audited with the approver's address, not the proxy's.</summary>
public sealed partial class ApprovalTests
{
    [Fact]
    public async Task ADecisionThroughAProxyOnThisMachine_IsAuditedWithTheClientsAddress_WhileAnUnknownSendersClaimIsIgnored()
    {
        var (owner, _, approvalId) = await StartAsync("['carol']");
        await using var proxy = PeerAddress.Node(fixture, "127.0.0.1");
        var carol = proxy.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        (await carol.PostAsJsonAsync("/account/demo-sign-in", new { userName = "carol" }, Ct)).EnsureSuccessStatusCode();
        var decision = new HttpRequestMessage(HttpMethod.Post, $"/api/approvals/{approvalId}/decision") { Content = JsonContent.Create(new { decision = "approve", comment = "ok" }) };
        decision.Headers.Add("X-Forwarded-For", "198.51.100.23");
        await OkAsync(await carol.SendAsync(decision, Ct));

        var audit = Assert.Single((await OkAsync(await owner.GetAsync($"/api/approvals/{approvalId}", Ct)))["audit"]!.AsArray())!;
        Assert.Equal("198.51.100.23", audit["ipAddress"]!.GetValue<string>());

        // From an address that is no proxy of ours, the header is the sender's own claim: the sender's address is kept.
        var (_, _, second) = await StartAsync("['carol']");
        await using var stranger = PeerAddress.Node(fixture, "203.0.113.9");
        var carolAgain = stranger.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        (await carolAgain.PostAsJsonAsync("/account/demo-sign-in", new { userName = "carol" }, Ct)).EnsureSuccessStatusCode();
        var claimed = new HttpRequestMessage(HttpMethod.Post, $"/api/approvals/{second}/decision") { Content = JsonContent.Create(new { decision = "approve" }) };
        claimed.Headers.Add("X-Forwarded-For", "198.51.100.23");
        await OkAsync(await carolAgain.SendAsync(claimed, Ct));
        var kept = Assert.Single((await OkAsync(await owner.GetAsync($"/api/approvals/{second}", Ct)))["audit"]!.AsArray())!;
        Assert.Equal("203.0.113.9", kept["ipAddress"]!.GetValue<string>());
    }
}
