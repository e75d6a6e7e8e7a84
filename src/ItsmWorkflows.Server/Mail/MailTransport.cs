using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ItsmWorkflows.Server.Mail;

/// <summary>A delivery that failed; <see cref="Permanent"/> when sending again cannot help (5xx, a malformed address).</summary>
internal sealed class MailDeliveryException(string reply, bool permanent, Exception? inner = null) : Exception(reply, inner)
{
    public bool Permanent { get; } = permanent;

    public string Reply { get; } = reply;
}

/// <summary>Where delivered mail goes: an SMTP server, or the dev mailbox of the embedded default.</summary>
internal interface IMailTransport : IAsyncDisposable
{
    /// <summary>Sends one message and returns the server's reply; throws <see cref="MailDeliveryException"/>.</summary>
    Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// The embedded default's mailbox: the last 500 messages the server would have sent, in memory (a restart
/// empties it), shown at /dev/mailbox with working links so a newcomer can act on an approval email.
/// </summary>
internal sealed class DevMailbox
{
    private const int Capacity = 500;
    private readonly System.Collections.Concurrent.ConcurrentQueue<(MimeMessage Message, DateTimeOffset KeptAt)> _messages = new();

    public void Keep(MimeMessage message, DateTimeOffset at)
    {
        _messages.Enqueue((message, at));
        while (_messages.Count > Capacity && _messages.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<(MimeMessage Message, DateTimeOffset KeptAt)> Newest() => [.. _messages.Reverse()];
}

/// <summary>Outside the demo without Mail:Smtp:Host: every send fails temporarily with a message that says what to configure.</summary>
internal sealed class UnconfiguredTransport : IMailTransport
{
    public Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken) =>
        throw new MailDeliveryException("No SMTP server is configured: set Mail__Smtp__Host (and port, security, credentials).", permanent: false);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>The embedded default: messages go to the dev mailbox instead of a mail server.</summary>
internal sealed class DevMailboxTransport(DevMailbox mailbox, TimeProvider time) : IMailTransport
{
    public Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        mailbox.Keep(message, time.GetUtcNow());
        return Task.FromResult("250 2.0.0 Kept in the dev mailbox");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// MailKit over one connection, opened on the first message and reused for the rest of a drain. A
/// connection that broke is reopened for the next message.
/// </summary>
internal sealed class SmtpMailTransport(SmtpOptions options) : IMailTransport
{
    private readonly SmtpClient _client = new() { Timeout = (int)options.Timeout.TotalMilliseconds };

    public Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        await EnsureConnectedAsync(cancellationToken);
        // MailKit returns the text of the server's reply to the message data; it was a 250, or it would have thrown.
        return "250 " + (await _client.SendAsync(message, cancellationToken)).Trim();
    }, cancellationToken);

    /// <summary>Turns what MailKit and the network throw into a <see cref="MailDeliveryException"/>: temporary or permanent, with the server's reply.</summary>
    private async Task<T> GuardAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action();
        }
        catch (SmtpCommandException ex)
        {
            var code = (int)ex.StatusCode;
            var reply = $"{code} {ex.Message}".Trim();
            if (ex.ErrorCode == SmtpErrorCode.RecipientNotAccepted && ex.Mailbox is { } mailbox && !reply.Contains(mailbox.Address, StringComparison.OrdinalIgnoreCase))
            {
                reply += $" ({mailbox.Address})";
            }
            throw new MailDeliveryException(reply, permanent: code >= 500, ex);
        }
        catch (Exception ex) when (ex is SmtpProtocolException or IOException or SocketException or TimeoutException or ServiceNotConnectedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await DropAsync();
            throw new MailDeliveryException($"The mail server could not be reached or dropped the connection: {ex.Message}", permanent: false, ex);
        }
        catch (AuthenticationException ex)
        {
            await DropAsync();
            throw new MailDeliveryException($"The mail server refused the configured credentials: {ex.Message}", permanent: false, ex);
        }
        catch (SslHandshakeException ex)
        {
            await DropAsync();
            throw new MailDeliveryException($"TLS with the mail server failed: {ex.Message}", permanent: false, ex);
        }
    }

    /// <summary>Connects and authenticates; what the server offered is returned for the connection test.</summary>
    public Task<(SmtpCapabilities Capabilities, bool Authenticated)> ConnectAsync(CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        await EnsureConnectedAsync(cancellationToken);
        return (_client.Capabilities, _client.IsAuthenticated);
    }, cancellationToken);

    public static SecureSocketOptions SecurityOf(string? security) => security?.Trim().ToUpperInvariant() switch
    {
        "NONE" => SecureSocketOptions.None,
        "STARTTLS" => SecureSocketOptions.StartTls,
        "STARTTLSWHENAVAILABLE" => SecureSocketOptions.StartTlsWhenAvailable,
        "SSL" or "SSLONCONNECT" or "TLS" => SecureSocketOptions.SslOnConnect,
        "AUTO" or null or "" => SecureSocketOptions.Auto,
        _ => throw new InvalidOperationException($"Mail:Smtp:Security '{security}' is not one of None, StartTls, StartTlsWhenAvailable, Ssl, Auto."),
    };

    public static int PortOf(SmtpOptions options) => options.Port > 0 ? options.Port : SecurityOf(options.Security) switch
    {
        SecureSocketOptions.SslOnConnect => 465,
        SecureSocketOptions.StartTls => 587,
        _ => 25,
    };

    private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected) return;
        var host = options.Host ?? throw new InvalidOperationException("Mail:Smtp:Host is not set.");
        await _client.ConnectAsync(host, PortOf(options), SecurityOf(options.Security), cancellationToken);
        if (!string.IsNullOrEmpty(options.UserName)) await _client.AuthenticateAsync(options.UserName, options.Password ?? "", cancellationToken);
    }

    private async Task DropAsync()
    {
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or ObjectDisposedException)
        {
            // Already broken: nothing more to close.
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync(true);
        }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or SmtpCommandException)
        {
            // The messages were sent; a failed QUIT changes nothing.
        }
        _client.Dispose();
    }
}
