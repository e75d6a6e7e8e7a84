using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// A bare HTTP/1.1 server on one chosen address (127.0.0.2 as readily as 127.0.0.1) that answers every request
/// with the same bytes and counts the requests, so a test can tell whether anything reached it.
/// </summary>
public sealed class CannedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly byte[] _head;
    private readonly byte[] _body;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    /// <summary>Answers <paramref name="status"/> with <paramref name="headers"/> (CRLF-separated) and <paramref name="body"/>; without Content-Length the body ends with the connection.</summary>
    public CannedHttpServer(IPAddress address, int status, string headers, byte[] body)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        _head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Canned\r\nConnection: close\r\n{(headers.Length > 0 ? headers + "\r\n" : "")}\r\n");
        _body = body;
        _loop = AcceptAsync();
    }

    public int Requests => Volatile.Read(ref _requests);

    public string Url(string path) => $"http://{((IPEndPoint)_listener.LocalEndpoint).Address}:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}";

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var seen = new List<byte>();
                var buffer = new byte[4096];
                // The requests here are GETs: the head ends the request.
                while (!EndsHead(seen))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0) return;
                    seen.AddRange(buffer.AsSpan(0, read));
                }
                Interlocked.Increment(ref _requests);
                await stream.WriteAsync(_head, _stop.Token);
                await stream.WriteAsync(_body, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
                // The client hung up early (a body over its cap) or the server is stopping.
            }
        }
    }

    private static bool EndsHead(List<byte> seen) =>
        seen.Count >= 4 && seen[^4] == '\r' && seen[^3] == '\n' && seen[^2] == '\r' && seen[^1] == '\n';

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
