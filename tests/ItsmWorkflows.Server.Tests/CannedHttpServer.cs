using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// A bare HTTP/1.1 server on one chosen address (127.0.0.2 as readily as 127.0.0.1) that answers every request
/// with the same bytes (until told otherwise) and counts the requests, so a test can tell whether anything reached
/// it and what the last one asked for. Also stands in for a forward proxy: a proxied request names its target in full.
/// </summary>
public sealed class CannedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private volatile byte[] _head = [];
    private volatile byte[] _body = [];
    private volatile string? _lastRequestHead;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    /// <summary>Answers <paramref name="status"/> with <paramref name="headers"/> (CRLF-separated) and <paramref name="body"/>; without Content-Length the body ends with the connection.</summary>
    public CannedHttpServer(IPAddress address, int status, string headers, byte[] body)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        Answer(status, headers, body);
        _loop = AcceptAsync();
    }

    /// <summary>Answers the requests from now on with <paramref name="status"/>, <paramref name="headers"/> and <paramref name="body"/>.</summary>
    public void Answer(int status, string headers, byte[] body)
    {
        _body = body;
        _head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Canned\r\nConnection: close\r\n{(headers.Length > 0 ? headers + "\r\n" : "")}\r\n");
    }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The request line and headers of the last request, e.g. "GET http://10.9.8.7/cmdb HTTP/1.1" for a proxied one.</summary>
    public string? LastRequestHead => _lastRequestHead;

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
                // The head is all that is read; a body that came with it is ignored, and the connection closes after the answer.
                while (HeadLength(seen) < 0)
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0) return;
                    seen.AddRange(buffer.AsSpan(0, read));
                }
                _lastRequestHead = Encoding.ASCII.GetString([.. seen.Take(HeadLength(seen))]);
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

    /// <summary>The length of the head (without its blank line) once it has all arrived, else -1.</summary>
    private static int HeadLength(List<byte> seen)
    {
        for (var i = 0; i + 3 < seen.Count; i++)
        {
            if (seen[i] == '\r' && seen[i + 1] == '\n' && seen[i + 2] == '\r' && seen[i + 3] == '\n') return i;
        }
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
