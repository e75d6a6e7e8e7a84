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
        var from = Engine.Activities.Email.EmailMessage.ParseAddresses([o.From]);
        return o.Smtp.Port is >= 0 and <= 65535 && o.Smtp.Timeout > TimeSpan.Zero && o.RetryDelay > TimeSpan.Zero && o.MaxAttempts >= 1
            && from.Invalid is null && from.Addresses.Count == 1;
    }
}
