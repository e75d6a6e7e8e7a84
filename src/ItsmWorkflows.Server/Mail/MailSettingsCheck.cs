namespace ItsmWorkflows.Server.Mail;

/// <summary>The mail settings checked at start-up: a mode or sender mail cannot use otherwise fails every email later.</summary>
internal static class MailSettingsCheck
{
    public const string Message = "Mail settings: Mail:Smtp:Security is one of None, StartTls, StartTlsWhenAvailable, Ssl, Auto; Mail:Smtp:Port is 0 (the mode's usual port) to 65535; Mail:Smtp:Timeout and Mail:RetryDelay are positive; Mail:MaxAttempts is at least 1; Mail:From is an address such as 'Service Desk <servicedesk@example.org>'.";

    public static bool IsValid(MailOptions o)
    {
        try
        {
            SmtpMailTransport.SecurityOf(o.Smtp.Security);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        // As the mail composer reads it (MimeKit): a display name with a comma, or a host without a dot, is a sender.
        return o.Smtp.Port is >= 0 and <= 65535 && o.Smtp.Timeout > TimeSpan.Zero && o.RetryDelay > TimeSpan.Zero && o.MaxAttempts >= 1
            && MimeKit.MailboxAddress.TryParse(o.From, out _);
    }
}
