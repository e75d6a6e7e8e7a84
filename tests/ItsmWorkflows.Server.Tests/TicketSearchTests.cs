using System.Net;
using System.Text.Json.Nodes;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// Finding tickets by words from their number, title, description, a request's form answers and the names of its
/// requester and assignee, in any case: every word must be found. Run on both databases, whose case rules differ
/// (PostgreSQL compares case-sensitively unless told otherwise).
/// </summary>
public abstract class TicketSearchTests(ServerFixture fixture)
{
    [Fact]
    public async Task EveryWord_IsFoundInAnyCase_InTheNumberTitleOrDescription_AndRequestersFindOnlyTheirOwn()
    {
        await ImportAsync(fixture);
        var tag = "zq" + Guid.NewGuid().ToString("N")[..6]; // only this test's tickets carry it
        var alice = await fixture.ClientAsync("alice");
        var kate = await fixture.ClientAsync("kate");
        async Task<string> RaiseAsync(HttpClient client, string title, string? description = null) =>
            (await OkAsync(await client.PostJsonAsync("/api/incidents", new { title = $"{title} {tag}", description, serviceId = "network", impact = 3, urgency = 3 })))["number"]!.GetValue<string>();
        var vpn = await RaiseAsync(alice, "VPN drops every five minutes");
        var umlaut = await RaiseAsync(alice, "Übersicht der Änderungen lädt nicht");
        var printer = await RaiseAsync(alice, "Printer jams on floor 2", "Since the toner was changed; the vpn is fine");
        var katesVpn = await RaiseAsync(kate, "Cannot reach the VPN gateway");

        var bob = await fixture.ClientAsync("bob");
        async Task<List<string>> FindAsync(HttpClient client, string q) =>
            [.. (await OkAsync(await client.GetAsync($"/api/tickets?q={Uri.EscapeDataString(q)}", Ct)))["items"]!.AsArray().Select(t => t!["number"]!.GetValue<string>())];

        // Newest first; the description counts; case does not.
        Assert.Equal([katesVpn, printer, vpn], await FindAsync(bob, $"vpn {tag.ToUpperInvariant()}"));
        Assert.Equal([vpn], await FindAsync(bob, $"VPN  drops {tag}"));
        Assert.Equal([printer], await FindAsync(bob, $"TONER {tag}"));
        Assert.Equal([vpn], await FindAsync(bob, vpn.ToLowerInvariant()));
        Assert.Empty(await FindAsync(bob, $"vpn {tag} nothing-like-this"));
        // Any letter folds, not only A–Z (SQLite's own lower() does not), and any white space separates words.
        Assert.Equal([umlaut], await FindAsync(bob, $"übersicht {tag}"));
        Assert.Equal([umlaut], await FindAsync(bob, $"ÄNDERUNGEN\t{tag}"));
        Assert.Equal([umlaut], await FindAsync(bob, $"Übersicht\n{tag}"));
        // A requester finds only what she raised; the names of the people listed come along.
        Assert.Equal([printer, vpn], await FindAsync(alice, $"vpn {tag}"));
        var page = await OkAsync(await alice.GetAsync($"/api/tickets?q={tag}", Ct));
        Assert.Equal("Alice Requester", page["names"]!["alice"]!.GetValue<string>());
        Assert.Equal(3, page["total"]!.GetValue<int>());
        // Wildcards are words like any other.
        Assert.Empty(await FindAsync(bob, $"% {tag} _"));

        var tooMany = await bob.GetAsync($"/api/tickets?q={string.Join('+', Enumerable.Repeat("a", 21))}", Ct);
        Assert.Equal("Search for at most 20 words (21 were given).", (await ReadAsync(tooMany))["detail"]!.GetValue<string>());
        var tooLong = await bob.GetAsync($"/api/tickets?q={new string('x', 201)}", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("Search for at most 200 characters.", (await ReadAsync(tooLong))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task EveryWord_IsAlsoFound_InARequestsAnswers_AndItsPeoplesNames_ButNotInTheFormsFieldNames()
    {
        await ImportAsync(fixture);
        var tag = "zq" + Guid.NewGuid().ToString("N")[..6];
        var alice = await fixture.ClientAsync("alice");
        var kate = await fixture.ClientAsync("kate");
        var bob = await fixture.ClientAsync("bob");
        async Task<string> RequestAsync(HttpClient client, string item, object answers) =>
            (await OkAsync(await client.PostJsonAsync("/api/requests", new { catalogItemId = item, answers, title = $"Request {tag}" })))["number"]!.GetValue<string>();
        var performance = await RequestAsync(alice, "new-laptop", new { model = "Performance 16\"", reason = "Renders take all afternoon" });
        var standard = await RequestAsync(alice, "new-laptop", new { model = "Standard 14\"", reason = "Mine broke" });
        var vpn = await RequestAsync(kate, "vpn-access", new { reason = "Working from Lisbon" });
        var incident = (await OkAsync(await alice.PostJsonAsync("/api/incidents", new { title = $"Screen flickers {tag}", serviceId = "network", impact = 3, urgency = 3 })))["number"]!.GetValue<string>();
        async Task<List<string>> FindAsync(HttpClient client, string q) =>
            [.. (await OkAsync(await client.GetAsync($"/api/tickets?q={Uri.EscapeDataString(q)}", Ct)))["items"]!.AsArray().Select(t => t!["number"]!.GetValue<string>())];

        // What the requester answered on the form, in any case, a quote included.
        Assert.Equal([performance], await FindAsync(bob, $"PERFORMANCE {tag}"));
        Assert.Equal([performance], await FindAsync(bob, $"16\" {tag}"));
        Assert.Equal([performance], await FindAsync(bob, $"afternoon {tag}"));
        Assert.Equal([vpn], await FindAsync(bob, $"lisbon {tag}"));
        // Not the form's field names, nor the JSON the answers are kept in: every laptop request has a "model".
        Assert.Empty(await FindAsync(bob, $"model {tag}"));
        Assert.Empty(await FindAsync(bob, $"reason {tag}"));
        Assert.Empty(await FindAsync(bob, $"answers {tag}"));
        Assert.Empty(await FindAsync(bob, $"\":\" {tag}"));

        // The requester by display name or user name.
        Assert.Equal([incident, standard, performance], await FindAsync(bob, $"requester {tag}"));
        Assert.Equal([vpn], await FindAsync(bob, $"sales {tag}"));
        // The assignee too, once there is one.
        Assert.Empty(await FindAsync(bob, $"desktop {tag}"));
        var revision = (await TicketAsync(bob, standard))["ticket"]!["revision"]!.GetValue<long>();
        await OkAsync(await bob.PostJsonAsync($"/api/tickets/{standard}/assign", new { assignee = "frank", assignmentGroup = "Desktop Support", revision }));
        Assert.Equal([standard], await FindAsync(bob, $"desktop {tag}"));
        Assert.Equal([standard], await FindAsync(bob, $"FRANK {tag}"));
        // Names as they are now: a person renamed is found by the new name, and by a user name no longer in it.
        var erin = await fixture.ClientAsync("erin");
        await OkAsync(await erin.PutJsonAsync("/api/people/kate", new { displayName = "Katherine Sales" }));
        try
        {
            Assert.Equal([vpn], await FindAsync(bob, $"katherine {tag}"));
            Assert.Equal([vpn], await FindAsync(bob, $"kate {tag}"));
        }
        finally
        {
            await OkAsync(await erin.PutJsonAsync("/api/people/kate", new { displayName = "Kate Sales" }));
        }

        // A requester still finds only what she raised.
        Assert.Equal([incident, standard, performance], await FindAsync(alice, $"alice {tag}"));
        Assert.Empty(await FindAsync(alice, $"lisbon {tag}"));
        Assert.Empty(await FindAsync(alice, $"kate {tag}"));
        Assert.Equal([vpn], await FindAsync(kate, $"lisbon {tag}"));
    }
}

public sealed class TicketSearchOnPostgresTests(PostgresServerFixture fixture) : TicketSearchTests(fixture), IClassFixture<PostgresServerFixture>;

public sealed class TicketSearchOnSqliteTests(SqliteServerFixture fixture) : TicketSearchTests(fixture), IClassFixture<SqliteServerFixture>;
