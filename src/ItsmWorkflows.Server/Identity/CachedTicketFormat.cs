using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;

namespace ItsmWorkflows.Server.Identity;

/// <summary>
/// The sign-in cookie's format, remembering the cookies it has already opened. Opening one (Data Protection: key
/// derivation, AES and HMAC) was measured at about a tenth of a millisecond, on every request a signed-in person or
/// API client makes, for the same few cookies over and over.
/// Nothing about trust changes: an entry is found only by the exact text of a cookie this format opened and
/// verified itself, it is forgotten after <see cref="Lifetime"/> (so a rotated data-protection key takes effect
/// within that), and the cookie handler still checks each ticket's expiry on every request. Each caller gets its own
/// copy of the ticket, since the handler and claims transformations may change it.
/// </summary>
internal sealed class CachedTicketFormat(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider time) : ISecureDataFormat<AuthenticationTicket>
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    // Bounded: a flood of distinct cookies (valid or not) cannot grow memory; past this the cache starts afresh.
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (AuthenticationTicket Ticket, long Until)> _opened = new(StringComparer.Ordinal);

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        // A purpose (TLS token binding) is part of what is verified: those are not cached.
        if (protectedText is null || purpose is not null) return inner.Unprotect(protectedText, purpose);
        var now = time.GetTimestamp();
        if (_opened.TryGetValue(protectedText, out var entry) && now < entry.Until) return entry.Ticket.Clone();
        var ticket = inner.Unprotect(protectedText, purpose);
        if (ticket is null)
        {
            _opened.TryRemove(protectedText, out _);
            return null;
        }
        if (_opened.Count >= MaxEntries) _opened.Clear();
        _opened[protectedText] = (ticket.Clone(), now + (long)(Lifetime.TotalSeconds * time.TimestampFrequency));
        return ticket;
    }
}
