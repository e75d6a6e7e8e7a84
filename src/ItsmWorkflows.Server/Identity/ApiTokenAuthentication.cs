using System.Security.Claims;
using System.Text.Encodings.Web;
using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ItsmWorkflows.Server.Identity;

/// <summary>
/// Signs in a request that carries a personal API token (<c>Authorization: Bearer itsm_…</c>) as the person the
/// token was made for, with the same claims a sign-in cookie gives them. The token is looked up by its SHA-256; a
/// revoked or expired one, or one whose person is gone, is refused with 401. A browser never sends
/// such a header by itself, so the cross-site rules of the cookie do not concern it.
/// </summary>
internal sealed class ApiTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    /// <summary>What every token starts with: a scanner finding one in a repository or a log knows it for what it is.</summary>
    public const string Prefix = "itsm_";

    /// <summary>The claim that names the token a request was signed in with (live connections check it while they stay open).</summary>
    public const string TokenIdClaim = "itsm:api-token";

    /// <summary>The scheme that decides per request: a bearer token, else the sign-in cookie.</summary>
    public const string Selector = "ItsmDefault";

    /// <summary>256 random bits, as an approval link's, behind the prefix.</summary>
    public static string NewToken() => Prefix + Approvals.ApprovalTokens.New();

    /// <summary>What is stored of it: its SHA-256, as of an approval link's token.</summary>
    public static string Hash(string token) => Approvals.ApprovalTokens.Hash(token);

    /// <summary>The token, when the request carries one of ours.</summary>
    public static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer " + Prefix, StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (TokenOf(Request) is not { } token) return AuthenticateResult.NoResult();
        var services = Context.RequestServices;
        var db = services.GetRequiredService<ItsmDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var hash = Hash(token);
        var record = await db.ApiTokens.FirstOrDefaultAsync(t => t.TokenHash == hash, Context.RequestAborted);
        if (record is null || record.RevokedAt is not null || record.ExpiresAt <= now)
        {
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired; make a new one (POST /api/tokens, signed in).");
        }
        var users = services.GetRequiredService<UserManager<Person>>();
        var person = await users.FindByNameAsync(record.UserName);
        // Not refused while its person is locked out: five wrong passwords from anyone would switch off a monitoring webhook.
        if (person is null) return AuthenticateResult.Fail("The API token's person no longer exists.");
        if (person.DisabledAt is not null) return AuthenticateResult.Fail("The API token's person is switched off; an administrator can switch them on again.");
        // When it was last used, to the hour: enough to tell a forgotten token from a live one, without a write per request.
        if (record.LastUsedAt is not { } used || now - used > TimeSpan.FromHours(1))
        {
            record.LastUsedAt = now;
            await db.SaveChangesAsync(Context.RequestAborted);
        }
        var principal = await services.GetRequiredService<SignInManager<Person>>().CreateUserPrincipalAsync(person);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(TokenIdClaim, record.Id));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

}
