using System.Security.Claims;
using ItsmWorkflows.Server.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>The sign-in cookie's format opens each cookie once per few minutes, and never trusts more than the real format does.</summary>
public sealed class CachedTicketFormatTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
    private readonly CountingFormat _inner = new(new TicketDataFormat(new EphemeralDataProtectionProvider().CreateProtector("tests")));

    private static AuthenticationTicket Ticket(string name) => new(
        new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, "agent")], "Identity.Application")),
        new AuthenticationProperties { ExpiresUtc = new DateTimeOffset(2026, 11, 28, 17, 0, 0, TimeSpan.Zero) },
        "Identity.Application");

    [Fact]
    public void ACookieOpenedOnce_IsNotDecryptedAgain_UntilItsLifetimeIsOver()
    {
        var format = new CachedTicketFormat(_inner, _clock);
        var cookie = format.Protect(Ticket("dave"));

        Assert.Equal("dave", format.Unprotect(cookie)!.Principal.Identity!.Name);
        Assert.Equal("dave", format.Unprotect(cookie)!.Principal.Identity!.Name);
        Assert.Equal(1, _inner.Opened);

        _clock.Advance(CachedTicketFormat.Lifetime);
        Assert.Equal("dave", format.Unprotect(cookie)!.Principal.Identity!.Name);
        Assert.Equal(2, _inner.Opened);
    }

    [Fact]
    public void EachCallerGetsItsOwnCopy_SoAChangeToOneTicketIsNotSeenByTheNextRequest()
    {
        var format = new CachedTicketFormat(_inner, _clock);
        var cookie = format.Protect(Ticket("dave"));

        var first = format.Unprotect(cookie)!;
        ((ClaimsIdentity)first.Principal.Identity!).AddClaim(new Claim(ClaimTypes.Role, "admin"));
        first.Properties.ExpiresUtc = DateTimeOffset.MaxValue;

        var second = format.Unprotect(cookie)!;
        Assert.False(second.Principal.IsInRole("admin"));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 17, 0, 0, TimeSpan.Zero), second.Properties.ExpiresUtc);
    }

    [Fact]
    public void AForgedOrTamperedCookie_IsRefusedEveryTime_AndNothingIsRemembered()
    {
        var format = new CachedTicketFormat(_inner, _clock);
        var cookie = format.Protect(Ticket("dave"));
        var tampered = cookie[..^4] + (cookie[^4] == 'A' ? "B" : "A") + cookie[^3..];

        Assert.Null(format.Unprotect(tampered));
        Assert.Null(format.Unprotect(tampered));
        Assert.Null(format.Unprotect("not a cookie"));
        Assert.Equal(3, _inner.Opened);
    }

    [Fact]
    public void TwoPeoplesCookies_OpenToTheirOwnTickets()
    {
        var format = new CachedTicketFormat(_inner, _clock);
        var dave = format.Protect(Ticket("dave"));
        var alice = format.Protect(Ticket("alice"));

        Assert.Equal("dave", format.Unprotect(dave)!.Principal.Identity!.Name);
        Assert.Equal("alice", format.Unprotect(alice)!.Principal.Identity!.Name);
        Assert.Equal("dave", format.Unprotect(dave)!.Principal.Identity!.Name);
        Assert.Equal(2, _inner.Opened);
    }

    private sealed class CountingFormat(ISecureDataFormat<AuthenticationTicket> real) : ISecureDataFormat<AuthenticationTicket>
    {
        public int Opened { get; private set; }

        public string Protect(AuthenticationTicket data) => real.Protect(data);

        public string Protect(AuthenticationTicket data, string? purpose) => real.Protect(data, purpose);

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
        {
            Opened++;
            return real.Unprotect(protectedText, purpose);
        }
    }
}
