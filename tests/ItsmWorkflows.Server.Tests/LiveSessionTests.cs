using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>A live connection over a WebSocket rests on the sign-in it opened with: when that sign-in ends, it is closed.</summary>
public sealed class LiveSessionTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private async Task<HubConnection> WebSocketAsync(string userName)
    {
        using var client = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var signIn = await client.PostJsonAsync("/account/demo-sign-in", new { userName });
        signIn.EnsureSuccessStatusCode();
        var cookie = string.Join("; ", signIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        return await ConnectAsync("Cookie", cookie);
    }

    /// <summary>A live connection over a WebSocket, signed in by the header given (a cookie, or an API token).</summary>
    private async Task<HubConnection> ConnectAsync(string header, string value)
    {
        var server = fixture.Factory.Server;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, LiveHub.Path.TrimStart('/')), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.Headers[header] = value;
                o.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var sockets = server.CreateWebSocketClient();
                    sockets.ConfigureRequest = request => request.Headers[header] = value;
                    return await sockets.ConnectAsync(context.Uri, cancellationToken);
                };
            })
            .Build();
        await connection.StartAsync(Ct);
        return connection;
    }

    private async Task<int> CheckAsync() => await fixture.Factory.Services.GetRequiredService<LiveSessions>().CloseEndedAsync(Ct);

    [Fact]
    public async Task WhenThePersonsSignInEnds_TheirOpenWebSocketIsClosed_OthersStayOpen()
    {
        await using var bob = await WebSocketAsync("bob");
        await using var alice = await WebSocketAsync("alice");
        var bobClosed = new TaskCompletionSource();
        bob.Closed += _ => { bobClosed.TrySetResult(); return Task.CompletedTask; };
        Assert.Equal(0, await CheckAsync()); // nothing has ended: nothing is closed

        // Bob signs out elsewhere (or his password or roles change): his security stamp is renewed.
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            Assert.True((await users.UpdateSecurityStampAsync((await users.FindByNameAsync("bob"))!)).Succeeded);
        }
        Assert.True(await CheckAsync() >= 1);

        await bobClosed.Task.WaitAsync(Patience, Ct);
        Assert.Equal(HubConnectionState.Disconnected, bob.State);
        Assert.Equal(HubConnectionState.Connected, alice.State);
        await alice.InvokeAsync("Unwatch", "REQ0000000", Ct); // hers still answers
    }

    [Fact]
    public async Task AWebSocketOpenedWithAnApiToken_IsClosedWhenTheTokenIsRevoked_AndNotBySigningOut()
    {
        var bob = await fixture.ClientAsync("bob");
        var made = await OkAsync(await bob.PostJsonAsync("/api/tokens", new { name = "Wallboard" }));
        await using var wallboard = await ConnectAsync("Authorization", "Bearer " + made["token"]!.GetValue<string>());
        var closed = new TaskCompletionSource();
        wallboard.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        // Bob signing out ends his cookies' sessions, not what his token opened.
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            Assert.True((await users.UpdateSecurityStampAsync((await users.FindByNameAsync("bob"))!)).Succeeded);
        }
        await CheckAsync();
        Assert.Equal(HubConnectionState.Connected, wallboard.State);
        await wallboard.InvokeAsync("Unwatch", "REQ0000000", Ct);

        // Revoked: closed at the next check (it answered on after the revocation).
        var revoker = await fixture.ClientAsync("bob");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await revoker.DeleteAsync($"/api/tokens/{made["details"]!["id"]!.GetValue<string>()}", Ct)).StatusCode);
        Assert.True(await CheckAsync() >= 1);
        await closed.Task.WaitAsync(Patience, Ct);
        Assert.Equal(HubConnectionState.Disconnected, wallboard.State);
    }

    [Fact]
    public async Task WhenAnAdministratorSwitchesAPersonOff_TheWebSocketTheirTokenOpened_IsClosedToo()
    {
        // A token's connection survives its person signing out (above), not their account being switched off.
        var ivan = await fixture.ClientAsync("ivan");
        var made = await OkAsync(await ivan.PostJsonAsync("/api/tokens", new { name = "Wallboard" }));
        await using var wallboard = await ConnectAsync("Authorization", "Bearer " + made["token"]!.GetValue<string>());
        var closed = new TaskCompletionSource();
        wallboard.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        Assert.Equal(0, await CheckAsync());

        var erin = await fixture.ClientAsync("erin");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await erin.PostAsync("/api/people/ivan/disable", null, Ct)).StatusCode);
        try
        {
            Assert.True(await CheckAsync() >= 1);
            await closed.Task.WaitAsync(Patience, Ct);
            Assert.Equal(HubConnectionState.Disconnected, wallboard.State);
        }
        finally
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await erin.PostAsync("/api/people/ivan/enable", null, Ct)).StatusCode);
        }
    }
}
