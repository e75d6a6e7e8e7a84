using System.Net;
using System.Text.Json.Nodes;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// Finding tickets by words from their number, title or description, in any case: every word must be found. Run on
/// both databases, whose case rules differ (PostgreSQL compares case-sensitively unless told otherwise).
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
}

public sealed class TicketSearchOnPostgresTests(PostgresServerFixture fixture) : TicketSearchTests(fixture), IClassFixture<PostgresServerFixture>;

public sealed class TicketSearchOnSqliteTests(SqliteServerFixture fixture) : TicketSearchTests(fixture), IClassFixture<SqliteServerFixture>;
