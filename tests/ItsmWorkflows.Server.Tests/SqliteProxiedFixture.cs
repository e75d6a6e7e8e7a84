using System.Net;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// SQLite, with outbound HTTP sent through a forward proxy (Http:Outbound:Proxy): a canned server on 127.0.0.1 that
/// records what it is asked for. Loopback is not in Http:Outbound:Allow: the proxy is trusted as configured.
/// </summary>
public sealed class SqliteProxiedFixture : SqliteServerFixture
{
    public CannedHttpServer Proxy { get; } = new(IPAddress.Loopback, 200, "Content-Type: text/plain", "from the proxy"u8.ToArray());

    protected override Task AddSettingsAsync(IDictionary<string, string?> settings)
    {
        settings["Http:Outbound:Proxy"] = Proxy.Url("/");
        return Task.CompletedTask;
    }

    protected override ValueTask DisposeExtrasAsync() => Proxy.DisposeAsync();
}
