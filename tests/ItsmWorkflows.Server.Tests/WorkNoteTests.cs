using System.Net;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// Work notes: what agents write for each other (a root cause not yet told, a vendor's case number) stays with the
/// staff, as ServiceNow's work notes do; a note without the flag is for everyone on the ticket, as before.
/// </summary>
public sealed class WorkNoteTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private static List<string> History(System.Text.Json.Nodes.JsonNode detail) => [.. detail["history"]!.AsArray().Select(h => h!["text"]!.GetValue<string>())];

    [Fact]
    public async Task AWorkNote_IsReadByStaffOnly_ReachesNobodyByEmail_AndIsNotTheCallersReply()
    {
        await ImportAsync(fixture);
        var alice = await fixture.ClientAsync("alice");
        var bob = await fixture.ClientAsync("bob");
        var number = (await OkAsync(await alice.PostJsonAsync("/api/incidents", new { title = "VPN drops every hour", serviceId = "network", impact = 2, urgency = 2 })))["number"]!.GetValue<string>();
        await SettleAsync(fixture);
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/acknowledge", new { }));
        await OkAsync(await bob.PostJsonAsync($"/api/incidents/{number}/wait-on-customer", new { note = "When did it start?" }));
        await SettleAsync(fixture);
        var mailBefore = (await MailAboutAsync(fixture, number)).Count;

        const string secret = "Root cause: the concentrator's certificate expired; do not tell the customer before the fix";
        Assert.Equal(HttpStatusCode.NoContent, (await bob.PostJsonAsync($"/api/tickets/{number}/notes", new { text = secret, @internal = true })).StatusCode);
        await SettleAsync(fixture);

        // Staff read it, marked as a work note; the requester's page and API answer do not have it.
        var forBob = await TicketAsync(bob, number);
        Assert.Contains(forBob["history"]!.AsArray(), h => h!["text"]!.GetValue<string>() == secret && h["kind"]!.GetValue<string>() == "work-note");
        var forAlice = await TicketAsync(alice, number);
        Assert.DoesNotContain("certificate expired", forAlice.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("When did it start?", string.Join("\n", History(forAlice)), StringComparison.Ordinal); // what was meant for her still is
        // It is not news for anyone, and an agent's note was never the caller's answer: still waiting on her.
        await SettleAsync(fixture);
        Assert.Equal(mailBefore, (await MailAboutAsync(fixture, number)).Count);
        Assert.Equal("Waiting on customer", forAlice["ticket"]!["status"]!.GetValue<string>());
        // Her page names who has it as she knows him.
        Assert.Equal("Bob Agent", forAlice["assigneeName"]!.GetValue<string>());

        // A requester cannot write one (she would never read it back): a clear refusal, nothing added.
        var refused = await alice.PostJsonAsync($"/api/tickets/{number}/notes", new { text = "Just between us", @internal = true });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Only agents and process staff write work notes", (await ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("Just between us", History(await TicketAsync(bob, number)));

        // A note without the flag is for everyone, as before.
        Assert.Equal(HttpStatusCode.NoContent, (await bob.PostJsonAsync($"/api/tickets/{number}/notes", new { text = "We are replacing the certificate tonight" })).StatusCode);
        Assert.Contains("We are replacing the certificate tonight", History(await TicketAsync(alice, number)));
    }
}
