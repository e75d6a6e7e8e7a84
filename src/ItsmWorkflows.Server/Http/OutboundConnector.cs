using System.Net;
using System.Net.Sockets;
using ItsmWorkflows.Engine.Activities.Http;

namespace ItsmWorkflows.Server.Http;

/// <summary>
/// The connect step of outbound HTTP (a SocketsHttpHandler.ConnectCallback): resolves the host once, vets each
/// address against the policy and connects to that very address. Checking at connection time, rather than the
/// URL before sending, covers a name that resolves differently on the second lookup (DNS rebinding) and every
/// redirect hop, since each new connection comes through here. The connection to a configured forward proxy is
/// the exception: the proxy is the administrator's choice, and the targets it is asked for are vetted by
/// <see cref="OutboundRedirects"/> before they reach it.
/// </summary>
internal sealed class OutboundConnector(OutboundNetworkPolicy policy, OutboundProxy proxy)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        string? refusal = null;
        Exception? lastFailure = null;
        var toProxy = proxy.IsProxyConnection(context.InitialRequestMessage, endpoint);
        foreach (var address in addresses)
        {
            // An address the policy refuses is skipped, not tried: a name with one public and one loopback
            // address reaches only the public one.
            if (!toProxy && policy.Refusal(endpoint.Host, address) is { } reason)
            {
                refusal ??= reason;
                continue;
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                lastFailure = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        if (lastFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(lastFailure);
        throw new OutboundHttpPolicyException(refusal ?? $"{endpoint.Host} resolves to no address.");
    }
}
