using System.Net.Mail;
using System.Text.RegularExpressions;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>
/// What someone who is not staff reads of an email about their ticket: that it went out, its subject and whether it
/// was delivered, with their own address but nobody else's (an approver's, a group member's), in the recipients or in
/// a mail server's reply ("550 5.1.1 &lt;carol@…&gt;: Recipient address rejected").
/// </summary>
internal static partial class TicketEmailPrivacy
{
    public const string Hidden = "(someone's address)";

    public static TicketEmailDto ForRequester(TicketEmailDto email, string? ownAddress) => email with
    {
        To = [.. email.To.Where(to => IsOwn(to, ownAddress))],
        Error = email.Error is null ? null : Address().Replace(email.Error, m => IsOwn(m.Value, ownAddress) ? m.Value : Hidden),
    };

    /// <summary>"alice@x.org" or "Alice &lt;alice@x.org&gt;" is the address given.</summary>
    private static bool IsOwn(string recipient, string? ownAddress) =>
        ownAddress is { Length: > 0 } && MailAddress.TryCreate(recipient, out var parsed)
        && string.Equals(parsed.Address, ownAddress, StringComparison.OrdinalIgnoreCase);

    /// <summary>An address inside free text; a sentence's full stop after it is not part of it.</summary>
    [GeneratedRegex(@"[^\s<>""'(),;:@\[\]]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")]
    private static partial Regex Address();
}
