namespace ItsmWorkflows.Server.Mail;

/// <summary>How mail leaves the server (section "Mail").</summary>
internal sealed class MailOptions
{
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Sender of messages whose workflow sets none.</summary>
    public string From { get; set; } = "ItsmWorkflows <itsm@localhost>";

    /// <summary>Delivery attempts before a message that keeps failing temporarily is given up (and becomes an incident).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first temporary failure; doubled after each further one, at most an hour.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a node owns the messages it took; a crashed node's messages are retaken after this.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Set from the demo switch: only the embedded demo may keep mail in the dev mailbox.</summary>
    public bool DevMailboxAllowed { get; set; }

    public bool SmtpConfigured => !string.IsNullOrWhiteSpace(Smtp.Host);

    /// <summary>
    /// No SMTP server configured in the demo: mail goes to the built-in dev mailbox. Outside the demo a
    /// missing SMTP server is a configuration error, never a mailbox every signed-in user could read.
    /// </summary>
    public bool UsesDevMailbox => !SmtpConfigured && DevMailboxAllowed;

    public TimeSpan Backoff(int attempts) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, RetryDelay.Ticks * (1L << Math.Clamp(attempts - 1, 0, 20))));
}

internal sealed class SmtpOptions
{
    public string? Host { get; set; }

    /// <summary>0 picks the usual port of the security mode: 465 for Ssl, 587 for StartTls, 25 otherwise.</summary>
    public int Port { get; set; }

    /// <summary>None, StartTls (required), StartTlsWhenAvailable, Ssl (TLS from the first byte) or Auto.</summary>
    public string Security { get; set; } = "Auto";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
