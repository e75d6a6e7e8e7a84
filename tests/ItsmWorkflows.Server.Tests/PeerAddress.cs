using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Makes every request of a test server arrive from one address, as if over TCP from it (the test server gives none).</summary>
internal sealed class PeerAddress(IPAddress address) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, following) =>
        {
            http.Connection.RemoteIpAddress = address;
            return following(http);
        });
        next(app);
    };

    /// <summary>A node on the fixture's database whose requests arrive from <paramref name="peer"/>, with extra settings.</summary>
    public static WebApplicationFactory<Program> Node(ServerFixture fixture, string peer, params (string Key, string Value)[] settings) => fixture.CreateNode().WithWebHostBuilder(b =>
    {
        foreach (var (key, value) in settings) b.UseSetting(key, value);
        b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new PeerAddress(IPAddress.Parse(peer))));
    });
}
