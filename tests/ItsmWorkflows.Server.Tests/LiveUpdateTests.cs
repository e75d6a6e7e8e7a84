using System.Net;
using System.Threading.Channels;
using ItsmWorkflows.Server.Live;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;
using static ItsmWorkflows.Server.Tests.Processes;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// The tracking page's live updates: a browser watching a ticket hears that it changed once the change
/// committed, on whichever node it happened (PostgreSQL carries it between nodes); only people who may see
/// the ticket can watch it.
/// </summary>
public sealed class LiveUpdateTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>A SignalR connection to <paramref name="node"/>'s hub, signed in as <paramref name="userName"/> (or not at all).</summary>
    private static async Task<(HubConnection Connection, Channel<string> Heard)> ConnectAsync(WebApplicationFactory<Program> node, string? userName)
    {
        string? cookie = null;
        if (userName is not null)
        {
            using var client = node.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
            var signIn = await client.PostJsonAsync("/account/demo-sign-in", new { userName });
            signIn.EnsureSuccessStatusCode();
            cookie = string.Join("; ", signIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        }
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(node.Server.BaseAddress, LiveHub.Path.TrimStart('/')), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => node.Server.CreateHandler();
                if (cookie is not null) o.Headers["Cookie"] = cookie;
            })
            .Build();
        var heard = Channel.CreateUnbounded<string>();
        connection.On<string>("changed", topic => heard.Writer.TryWrite(topic));
        return (connection, heard);
    }

    private static async Task HearsAsync(Channel<string> heard, string topic)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(Patience);
        try
        {
            while (await heard.Reader.ReadAsync(timeout.Token) != topic) { }
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"No '{topic}' within {Patience.TotalSeconds} s.");
        }
    }

    private async Task<string> RequestAsync(string requester)
    {
        await ImportAsync(fixture);
        var client = await fixture.ClientAsync(requester);
        var created = await OkAsync(await client.PostJsonAsync("/api/requests", new { catalogItemId = "software-access", answers = new { application = "Tableau", justification = "Quarterly dashboards" } }));
        await SettleAsync(fixture);
        return created["number"]!.GetValue<string>();
    }

    [Fact]
    public async Task TheRequester_WatchingTheirRequest_HearsTheApproval_AndTheNote()
    {
        var number = await RequestAsync("alice");
        var (connection, heard) = await ConnectAsync(fixture.Factory, "alice");
        await using var _ = connection;
        await connection.StartAsync(Ct);
        var topics = await connection.InvokeAsync<string[]>("Watch", number.ToLowerInvariant(), Ct);
        Assert.Equal($"ticket:{number}", topics[0]);
        Assert.StartsWith("instance:", topics[1], StringComparison.Ordinal);

        // The approval resumes the workflow, which moves the ticket on: both are heard.
        await OkAsync(await DecideAsync(fixture, "carol", number, "Approved"));
        await HearsAsync(heard, $"ticket:{number}");
        await HearsAsync(heard, topics[1]);

        // A note saved through the API is a ticket change too.
        var bob = await fixture.ClientAsync("bob");
        (await bob.PostJsonAsync($"/api/tickets/{number}/notes", new { text = "Licence ordered" })).EnsureSuccessStatusCode();
        await HearsAsync(heard, $"ticket:{number}");

        // So is a file attached to it.
        using var form = new MultipartFormDataContent { { new ByteArrayContent("Order confirmation"u8.ToArray()), "file", "order.txt" } };
        (await bob.PostAsync($"/api/tickets/{number}/attachments", form, Ct)).EnsureSuccessStatusCode();
        await HearsAsync(heard, $"ticket:{number}");
    }

    [Fact]
    public async Task SomeoneElsesTicket_CannotBeWatched_AndNobodyUnsignedCanConnect()
    {
        var number = await RequestAsync("alice");
        var (kate, _) = await ConnectAsync(fixture.Factory, "kate");
        await using (kate)
        {
            await kate.StartAsync(Ct);
            var refused = await Assert.ThrowsAsync<HubException>(() => kate.InvokeAsync<string[]>("Watch", number, Ct));
            Assert.Contains($"There is no ticket {number}", refused.Message, StringComparison.Ordinal);
            // The same answer as for a ticket that does not exist: nothing to learn from the difference.
            var missing = await Assert.ThrowsAsync<HubException>(() => kate.InvokeAsync<string[]>("Watch", "REQ9999999", Ct));
            Assert.Contains("There is no ticket REQ9999999", missing.Message, StringComparison.Ordinal);
        }

        var (agent, _) = await ConnectAsync(fixture.Factory, "bob");
        await using (agent)
        {
            await agent.StartAsync(Ct);
            Assert.NotEmpty(await agent.InvokeAsync<string[]>("Watch", number, Ct)); // staff see every ticket
        }

        var (anonymous, _) = await ConnectAsync(fixture.Factory, null);
        await using (anonymous)
        {
            var denied = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync(Ct));
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        }
    }

    [Fact]
    public async Task OneConnection_WatchesAtMostTheConfiguredNumberOfTickets()
    {
        var first = await RequestAsync("alice");
        var second = await RequestAsync("alice");
        var third = await RequestAsync("alice");
        await using var node = fixture.CreateNode().WithWebHostBuilder(b => b.UseSetting("Live:MaxWatchedTickets", "2"));
        var (connection, _) = await ConnectAsync(node, "bob");
        await using var __ = connection;
        await connection.StartAsync(Ct);
        await connection.InvokeAsync<string[]>("Watch", first, Ct);
        await connection.InvokeAsync<string[]>("Watch", first.ToLowerInvariant(), Ct); // the same ticket again counts once
        await connection.InvokeAsync<string[]>("Watch", second, Ct);
        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<string[]>("Watch", third, Ct));
        Assert.Contains("already watches 2 tickets", refused.Message, StringComparison.Ordinal);

        await connection.InvokeAsync("Unwatch", first, Ct);
        Assert.NotEmpty(await connection.InvokeAsync<string[]>("Watch", third, Ct));
    }

    [Fact]
    public async Task AChangeOnOneNode_IsHeard_ByABrowserConnectedToAnother()
    {
        var number = await RequestAsync("alice");
        await using var other = fixture.CreateNode();
        var (connection, heard) = await ConnectAsync(other, "alice");
        await using var _ = connection;
        await connection.StartAsync(Ct);
        await connection.InvokeAsync<string[]>("Watch", number, Ct);

        // The note is written through the fixture's node; the browser is on the other one.
        var bob = await fixture.ClientAsync("bob");
        (await bob.PostJsonAsync($"/api/tickets/{number}/notes", new { text = "On it" })).EnsureSuccessStatusCode();
        await HearsAsync(heard, $"ticket:{number}");
    }
}
